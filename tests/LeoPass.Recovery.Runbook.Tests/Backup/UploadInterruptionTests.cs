using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Runbook.Backup;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook.Tests.Backup;

/// <summary>The nightly-backup workflow when the object store dies in the middle of an upload, and the run after.</summary>
public class UploadInterruptionTests
{
    /// <summary>Incompressible rows, so the artefact spans several 5 MiB parts.</summary>
    private const string BulkTable = """
        CREATE TABLE bulk AS SELECT i AS id, md5(random()::text) || md5(random()::text) || gen_random_uuid()::text AS noise
        FROM generate_series(1, 300000) i
        """;

    [Fact]
    public async Task S3_server_stopped_mid_upload_leaves_no_manifest_alerts_and_the_next_run_aborts_the_upload()
    {
        await using var alerts = new RecordingHttpServer();
        await using var s3 = await S3rverProcess.StartNewAsync();
        await using var bed = await RunbookTestBed.CreateAsync(rows: 1_000);
        bed.Variables["OCI_BUCKET"] = s3.Bucket;
        bed.Variables["OCI_S3_ACCESS_KEY"] = S3rverProcess.AccessKey;
        bed.Variables["OCI_S3_SECRET_KEY"] = S3rverProcess.SecretKey;
        bed.Variables["OCI_S3_ENDPOINT"] = s3.Endpoint.ToString();
        bed.Variables["UPTIME_KUMA_PUSH_URL"] = alerts.Url("/api/push/token123").ToString();
        bed.Variables["OPS_WEBHOOK_URL"] = alerts.Url("/ops").ToString();
        await bed.Source.ExecuteAsync(BulkTable);
        var stopping = 0;
        // Small parts and one retry, so the upload is mid-way through several parts when the server goes.
        var store = new ProgressWatchingStore(new S3ArtefactStore(new S3StoreOptions
        {
            Bucket = s3.Bucket, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey, Endpoint = s3.Endpoint,
            PartSize = S3StoreOptions.MinimumPartSize,
            Retry = new RetryOptions { MaxRetryAttempts = 1, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(200) },
        }), total => total > 6 * 1024 * 1024 && Interlocked.Exchange(ref stopping, 1) == 0 ? s3.StopAsync() : Task.CompletedTask);
        var node = await bed.StartEngineAsync(services: s => s.AddSingleton<IArtefactStore>(store));

        var failed = await node.WaitForAsync(await StartBackupAsync(node), null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(RunState.Halted, failed.State);
        Assert.Equal(1, stopping);
        Assert.Contains("upload", failed.Steps.Single(s => s.StepId == "dump-upload").Error, StringComparison.OrdinalIgnoreCase);
        var catalogue = node.Services.GetRequiredService<BackupCatalogue>();
        var pending = Assert.Single(await catalogue.PendingUploadsAsync());
        Assert.Empty(await catalogue.ListAsync());
        var down = await alerts.WaitForAsync(r => r.Path == "/api/push/token123");
        Assert.Equal("down", down[0].Query("status"));
        Assert.Contains("upload", (await alerts.WaitForAsync(r => r.Path == "/ops"))[0].Body, StringComparison.Ordinal);

        await s3.StartAsync();
        var uploads = Path.Combine(s3.DataDirectory, s3.Bucket, "._S3rver_uploads");
        Assert.True(Directory.Exists(Path.Combine(uploads, pending.UploadId)), "the interrupted upload's parts should still be on the server");
        Assert.DoesNotContain(await KeysAsync(store), k => ArtefactKey.IsManifest(k));

        await bed.Source.ExecuteAsync("DROP TABLE bulk");
        var next = await node.WaitForAsync(await StartBackupAsync(node), null, RunState.Halted, RunState.Succeeded);
        Assert.True(next.State == RunState.Succeeded, next.HaltReason);
        var key = System.Text.Json.Nodes.JsonNode.Parse(next.Steps.Single(s => s.StepId == "dump-upload").Output!)!["key"]!.GetValue<string>();
        Assert.Empty(await catalogue.PendingUploadsAsync());
        Assert.False(Directory.Exists(Path.Combine(uploads, pending.UploadId)), "the next run should have aborted the orphan multipart upload");
        Assert.Equal([key, ArtefactKey.ManifestOf(key)], (await KeysAsync(store)).Order());
        var up = await alerts.WaitForAsync(r => r.Path == "/api/push/token123" && r.Query("status") == "up");
        Assert.True(int.Parse(up[0].Query("ping")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    /// <summary>As `backup run` starts it: no automatic retry, so the first failure halts the run.</summary>
    private static async Task<long> StartBackupAsync(EngineNode node) =>
        (await node.Operations.StartAsync(new StartRunRequest("nightly-backup", new Dictionary<string, string>(), "tester", AutomaticRetries: false))).Id;

    private static async Task<List<string>> KeysAsync(IArtefactStore store)
    {
        var keys = new List<string>();
        await foreach (var item in store.ListAsync()) keys.Add(item.Key);
        return keys;
    }

    /// <summary>The real store, with a hook on upload progress (to stop the server at a chosen point).</summary>
    private sealed class ProgressWatchingStore(IArtefactStore inner, Func<long, Task> onBytes) : IArtefactStore
    {
        public string Description => inner.Description;

        public Task<StoredObject> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
        {
            options ??= new PutOptions();
            var reported = options.Progress;
            return inner.PutAsync(key, content, options with { Progress = total => { reported?.Invoke(total); onBytes(total); } }, cancellationToken);
        }

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);
        public Task<StoredObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);
        public IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
        public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default) => inner.AbortUploadAsync(key, uploadId, cancellationToken);
    }
}
