using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

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
        await using var bed = await BackupTestBed.CreateAsync(useS3: true, rows: 1_000, configure: e =>
        {
            e["UPTIME_KUMA_PUSH_URL"] = alerts.Url("/api/push/token123").ToString();
            e["OPS_WEBHOOK_URL"] = alerts.Url("/ops").ToString();
        });
        await bed.Source.ExecuteAsync(BulkTable);
        var s3 = bed.S3!;
        bed.Rewire(() => new S3ArtefactStore(new S3StoreOptions
        {
            Bucket = s3.Bucket, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey, Endpoint = s3.Endpoint,
            PartSize = S3StoreOptions.MinimumPartSize,
            Retry = new RetryOptions { MaxRetryAttempts = 1, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(200) },
        }));
        var stopping = 0;
        var observer = new RecordingObserver
        {
            OnBytes = total => total > 6 * 1024 * 1024 && Interlocked.Exchange(ref stopping, 1) == 0 ? s3.StopAsync() : Task.CompletedTask,
        };

        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupJob>().RunAsync(observer));
        Assert.Equal(1, stopping);
        Assert.Contains("upload", error.Message, StringComparison.OrdinalIgnoreCase);
        var pending = Assert.Single(await bed.Get<BackupCatalogue>().PendingUploadsAsync());
        Assert.Empty(await bed.Get<BackupCatalogue>().ListAsync());
        var down = await alerts.WaitForAsync(r => r.Path == "/api/push/token123");
        Assert.Equal("down", down[0].Query("status"));
        Assert.Contains("upload", (await alerts.WaitForAsync(r => r.Path == "/ops"))[0].Body, StringComparison.Ordinal);

        await s3.StartAsync();
        var uploads = Path.Combine(s3.DataDirectory, s3.Bucket, "._S3rver_uploads");
        Assert.True(Directory.Exists(Path.Combine(uploads, pending.UploadId)), "the interrupted upload's parts should still be on the server");
        Assert.DoesNotContain(await KeysAsync(bed.Get<IArtefactStore>()), k => ArtefactKey.IsManifest(k));

        await bed.Source.ExecuteAsync("DROP TABLE bulk");
        var next = await bed.Get<BackupJob>().RunAsync();
        Assert.Empty(await bed.Get<BackupCatalogue>().PendingUploadsAsync());
        Assert.False(Directory.Exists(Path.Combine(uploads, pending.UploadId)), "the next run should have aborted the orphan multipart upload");
        Assert.Equal([next.Key, ArtefactKey.ManifestOf(next.Key)], (await KeysAsync(bed.Get<IArtefactStore>())).Order());
        var up = await alerts.WaitForAsync(r => r.Path == "/api/push/token123" && r.Query("status") == "up");
        Assert.True(int.Parse(up[0].Query("ping")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    private static async Task<List<string>> KeysAsync(IArtefactStore store)
    {
        var keys = new List<string>();
        await foreach (var item in store.ListAsync()) keys.Add(item.Key);
        return keys;
    }
}
