using System.Security.Cryptography;
using System.Text.Json;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Backup;

/// <summary>
/// The backup side of "nothing lost, nothing leaked", on real parts: the real CLI, PostgreSQL,
/// pg_dump and s3rver, with <see cref="S3FaultProxy"/> breaking chosen requests in between. Every
/// case ends the same way: the backup taken before the fault still verifies (nothing lost), no
/// manifest stands beside an object that is not whole and verified and neither the catalogue nor
/// `backup list --refresh` lists one (nothing half-done looks complete), and a failure reached
/// Uptime Kuma and the Ops webhook naming its cause (the alert says why). Each case sets up a scene
/// of its own (databases, s3rver, proxy), so the cases are grouped by the request they break into
/// classes that xUnit runs in parallel with each other (one collection per class).
/// </summary>
public static class BackupFaultSuiteTests
{
    private sealed class Scene : IAsyncDisposable
    {
        public required CliBackupEnvironment Env { get; init; }
        public required S3FaultProxy Proxy { get; init; }
        public required string GoodKey { get; init; }
        public required string GoodSha256 { get; init; }

        public S3rverProcess S3 => Env.S3!;

        public string UploadsDirectory => Path.Combine(S3.DataDirectory, S3.Bucket, "._S3rver_uploads");

        /// <summary>The key the run under test wrote to (the one object request that is not the good backup's).</summary>
        public string KeyUnderTest => Proxy.Requests.Select(r => r.Key)
            .First(k => ArtefactKey.IsArtefact(k) && k != GoodKey);

        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Env.DisposeAsync();
        }
    }

    /// <summary>A source with enough data for several 8 MiB parts, one good backup taken before any fault, and the proxy in front of s3rver.</summary>
    private static async Task<Scene> SetUpAsync(int bulkRows = 300_000)
    {
        var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 200);
        var good = Json(await env.RunAsync("backup", "run", "--json"));
        await env.AddBulkAsync(bulkRows);
        var proxy = await S3FaultProxy.StartAsync(env.S3!.Endpoint);
        env.Variables["OCI_S3_ENDPOINT"] = proxy.Endpoint.ToString();
        return new Scene { Env = env, Proxy = proxy, GoodKey = good.GetProperty("key").GetString()!, GoodSha256 = good.GetProperty("sha256").GetString()! };
    }

    /// <summary>An upload part that S3 refuses for good, or whose connection is reset once.</summary>
    public sealed class UploadPart
    {
        [Fact]
        public async Task S3_answering_500_to_every_attempt_at_upload_part_2_fails_the_backup_leaves_nothing_that_looks_complete_and_alerts_why()
        {
            await using var scene = await SetUpAsync();
            scene.Proxy.Inject(r => r.IsUploadPart && r.PartNumber == 2, InjectedFault.InternalServerError, int.MaxValue);

            var run = await scene.Env.RunAsync("backup", "run");

            AssertFailedNaming(run, "upload part 2", "500");
            Assert.True(scene.Proxy.Requests.Count(r => r.IsUploadPart && r.PartNumber == 2) > 1, "the failing part should have been retried");
            await AssertAlertedAsync(scene, "upload part 2");
            await AssertNothingOfAsync(scene, scene.KeyUnderTest);
            await AssertNothingHalfDoneLooksCompleteAsync(scene);
            Assert.Empty(await PendingUploadsAsync(scene));
        }

        [Fact]
        public async Task A_connection_reset_on_upload_part_2_is_retried_and_the_backup_is_whole()
        {
            await using var scene = await SetUpAsync();
            scene.Proxy.Inject(r => r.IsUploadPart && r.PartNumber == 2, InjectedFault.ResetBeforeForwarding);

            await RunExpectingOneWholeBackupAsync(scene);
        }
    }

    /// <summary>The request that makes the object whole: refused for good, or done with its answer lost.</summary>
    public sealed class CompleteMultipartUpload
    {
        [Fact]
        public async Task S3_answering_500_to_every_attempt_at_CompleteMultipartUpload_fails_the_backup_ends_the_upload_and_alerts_why()
        {
            await using var scene = await SetUpAsync();
            // Every attempt the store's retry policy makes (1 + 4); what comes after is the abort.
            scene.Proxy.Inject(r => r.IsCompleteMultipartUpload, InjectedFault.InternalServerError, times: 5);

            var run = await scene.Env.RunAsync("backup", "run");

            AssertFailedNaming(run, "complete multipart upload", "500");
            Assert.Equal(5, scene.Proxy.InjectedCount);
            await AssertAlertedAsync(scene, "complete multipart upload");
            await AssertNothingOfAsync(scene, scene.KeyUnderTest);
            await AssertNothingHalfDoneLooksCompleteAsync(scene);
            Assert.Empty(await PendingUploadsAsync(scene));
            Assert.Empty(Directory.Exists(scene.UploadsDirectory) ? Directory.EnumerateDirectories(scene.UploadsDirectory) : []);
        }

        [Fact]
        public async Task A_CompleteMultipartUpload_whose_answer_is_lost_is_recognised_as_done_and_the_backup_counts_once()
        {
            await using var scene = await SetUpAsync();
            scene.Proxy.Inject(r => r.IsCompleteMultipartUpload, InjectedFault.ResetAfterForwarding);

            await RunExpectingOneWholeBackupAsync(scene);
        }
    }

    /// <summary>The manifest that makes a backup count: refused for good, or written with its answer lost.</summary>
    public sealed class ManifestWrite
    {
        [Fact]
        public async Task S3_answering_500_to_every_manifest_write_fails_the_backup_removes_its_artefact_and_alerts_why()
        {
            await using var scene = await SetUpAsync();
            scene.Proxy.Inject(r => r.IsPutObject && ArtefactKey.IsManifest(r.Key), InjectedFault.InternalServerError, int.MaxValue);

            var run = await scene.Env.RunAsync("backup", "run");

            AssertFailedNaming(run, "writing the manifest", "500");
            await AssertAlertedAsync(scene, "manifest");
            await AssertNothingOfAsync(scene, scene.KeyUnderTest);
            await AssertNothingHalfDoneLooksCompleteAsync(scene);
            Assert.Empty(await PendingUploadsAsync(scene));
        }

        [Fact]
        public async Task A_manifest_write_whose_answer_is_lost_is_retried_and_the_backup_counts_once()
        {
            await using var scene = await SetUpAsync();
            scene.Proxy.Inject(r => r.IsPutObject && ArtefactKey.IsManifest(r.Key) && r.Key != ArtefactKey.ManifestOf(scene.GoodKey), InjectedFault.ResetAfterForwarding);

            var key = await RunExpectingOneWholeBackupAsync(scene);

            Assert.Equal(2, scene.Proxy.Requests.Count(r => r.IsPutObject && r.Key == ArtefactKey.ManifestOf(key)));
        }
    }

    /// <summary>A process dying mid-backup: the source's connection, or `backup run` itself (kill -9).</summary>
    public sealed class KilledMidway
    {
        [Fact]
        public async Task The_source_connection_killed_mid_dump_fails_the_backup_leaves_nothing_that_looks_complete_and_alerts_why()
        {
            // About 34 MB stored: more than the pipeline holds (two 8 MiB parts and a 4 MiB pipe), so
            // while the first part is held here pg_dump is blocked in the middle of its COPY.
            await using var scene = await SetUpAsync(bulkRows: 600_000);
            long terminated = 0;
            scene.Proxy.OnRequest = async request =>
            {
                if (!request.IsUploadPart || request.PartNumber != 1 || Interlocked.Read(ref terminated) != 0) return;
                for (var attempt = 0; attempt < 100 && Interlocked.Read(ref terminated) == 0; attempt++)
                {
                    Interlocked.Exchange(ref terminated, await scene.Env.Source.ScalarAsync<long>(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY %'"));
                    if (Interlocked.Read(ref terminated) == 0) await Task.Delay(100);
                }
            };

            var run = await scene.Env.RunAsync("backup", "run");

            Assert.Equal(1, Interlocked.Read(ref terminated));
            AssertFailedNaming(run, "pg_dump failed");
            await AssertAlertedAsync(scene, "pg_dump failed");
            await AssertNothingOfAsync(scene, scene.KeyUnderTest);
            await AssertNothingHalfDoneLooksCompleteAsync(scene);
            Assert.Empty(await PendingUploadsAsync(scene));
        }

        [Fact]
        public async Task Kill_9_of_backup_run_during_the_upload_leaves_no_backup_and_the_next_run_aborts_its_upload()
        {
            await using var scene = await SetUpAsync();
            await using var running = CliRunner.Start(scene.Env.Variables, "backup", "run");
            var killed = new TaskCompletionSource();
            scene.Proxy.OnRequest = request =>
            {
                if (request.IsUploadPart && request.PartNumber == 2 && !killed.Task.IsCompleted)
                {
                    running.KillHard();
                    killed.TrySetResult();
                }
                return Task.CompletedTask;
            };

            var dead = await running.WaitAsync(TimeSpan.FromMinutes(3));

            Assert.True(killed.Task.IsCompleted, dead.ToString());
            Assert.Equal(137, dead.ExitCode);
            var pending = Assert.Single(await PendingUploadsAsync(scene));
            Assert.True(Directory.Exists(Path.Combine(scene.UploadsDirectory, pending.UploadId)), "the dead run's parts should still be on the server");
            Assert.Null(await HeadAsync(scene, ArtefactKey.ManifestOf(pending.Key)));
            await AssertNothingHalfDoneLooksCompleteAsync(scene);

            scene.Proxy.OnRequest = null;
            await scene.Env.Source.ExecuteAsync("DROP TABLE bulk");
            var next = await scene.Env.RunAsync("backup", "run", "--json", "--verbose");
            Assert.True(next.ExitCode == 0, next.ToString());
            Assert.Contains($"Aborted the unfinished upload of {pending.Key} left by an earlier run", next.StandardError, StringComparison.Ordinal);
            Assert.Empty(await PendingUploadsAsync(scene));
            Assert.False(Directory.Exists(Path.Combine(scene.UploadsDirectory, pending.UploadId)), "the next run should have ended the dead run's multipart upload");
            await AssertNothingOfAsync(scene, pending.Key);
            using var json = JsonDocument.Parse(next.StandardOutput);
            var nextKey = json.RootElement.GetProperty("key").GetString()!;
            // The killed `backup run` is a workflow run: the next node (here the next `backup run`'s) may take
            // it over and finish it as a new attempt, which makes a second whole backup — never a half one.
            var runs = Json(await scene.Env.RunAsync("run", "list", "--definition", "nightly-backup", "--json"));
            var recovered = runs.EnumerateArray()
                .SelectMany(r => r.GetProperty("steps").EnumerateArray())
                .Where(s => s.GetProperty("stepId").GetString() == "dump-upload" && s.GetProperty("state").GetString() == "Succeeded")
                .Select(s => JsonDocument.Parse(s.GetProperty("output").GetString()!).RootElement.GetProperty("key").GetString()!)
                .Where(k => k != nextKey && k != scene.GoodKey).ToArray();
            await AssertNothingHalfDoneLooksCompleteAsync(scene, [nextKey, .. recovered]);
        }
    }

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.Clone();
    }

    private static void AssertFailedNaming(CliResult run, params string[] causes)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        var error = Assert.Single(run.StandardError.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        foreach (var cause in causes) Assert.Contains(cause, error, StringComparison.Ordinal);
    }

    private static async Task AssertAlertedAsync(Scene scene, string cause)
    {
        var down = await scene.Env.Alerts.WaitForAsync(r => r.Path == "/api/push/kumatoken77" && r.Query("status") == "down");
        Assert.Contains(cause, Assert.Single(down).Query("msg"), StringComparison.Ordinal);
        var webhook = Assert.Single(await scene.Env.Alerts.WaitForAsync(r => r.Path == "/ops-hook" && r.Body.Contains("\"failed\"", StringComparison.Ordinal)));
        using var body = JsonDocument.Parse(webhook.Body);
        Assert.Contains(cause, body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The backup taken before the fault is intact and verifies; no manifest lacks a whole object; the catalogue and a refresh list only whole backups.</summary>
    private static async Task AssertNothingHalfDoneLooksCompleteAsync(Scene scene, params string[] alsoComplete)
    {
        var expected = alsoComplete.Append(scene.GoodKey).Order(StringComparer.Ordinal).ToList();
        using var store = DirectStore(scene);
        var manifests = new List<string>();
        await foreach (var item in store.ListAsync(ArtefactKey.Prefix))
        {
            if (ArtefactKey.IsManifest(item.Key)) manifests.Add(ArtefactKey.ArtefactOfManifest(item.Key));
        }
        Assert.Equal(expected, manifests.Order(StringComparer.Ordinal));
        Assert.Equal(scene.GoodSha256, await Sha256Async(store, scene.GoodKey));

        Assert.Equal(expected, ListedKeys(await scene.Env.RunAsync("backup", "list", "--json")));
        var refresh = await scene.Env.RunAsync("backup", "list", "--refresh", "--json");
        Assert.Equal(expected, ListedKeys(refresh));
        Assert.Empty(Json(refresh).GetProperty("refreshed").GetProperty("refused").EnumerateArray());
        var verify = Json(await scene.Env.RunAsync("backup", "verify", scene.GoodKey, "--json"));
        Assert.Equal(scene.GoodSha256, verify.GetProperty("sha256").GetString());
    }

    /// <summary>The one injected fault cost nothing: the run succeeds, and its backup is whole and counted once.</summary>
    private static async Task<string> RunExpectingOneWholeBackupAsync(Scene scene)
    {
        var run = Json(await scene.Env.RunAsync("backup", "run", "--json"));
        Assert.Equal(1, scene.Proxy.InjectedCount);
        var key = run.GetProperty("key").GetString()!;
        await AssertWholeBackupAsync(scene, key, run.GetProperty("sha256").GetString()!);
        await AssertNothingHalfDoneLooksCompleteAsync(scene, key);
        return key;
    }

    private static async Task AssertWholeBackupAsync(Scene scene, string key, string sha256)
    {
        using var store = DirectStore(scene);
        Assert.Equal(sha256, await Sha256Async(store, key));
        var verify = Json(await scene.Env.RunAsync("backup", "verify", key, "--json"));
        Assert.Equal(sha256, verify.GetProperty("sha256").GetString());
        var up = await scene.Env.Alerts.WaitForAsync(r => r.Path == "/api/push/kumatoken77" && r.Query("status") == "up" && (r.Query("msg") ?? "").Contains(key, StringComparison.Ordinal));
        Assert.Single(up);
    }

    /// <summary>No artefact, manifest or signature of <paramref name="key"/> is left in the store.</summary>
    private static async Task AssertNothingOfAsync(Scene scene, string key)
    {
        foreach (var objectKey in new[] { key, ArtefactKey.ManifestOf(key), ArtefactKey.SignatureOf(key) })
        {
            Assert.Null(await HeadAsync(scene, objectKey));
        }
    }

    private static async Task<StoredObjectInfo?> HeadAsync(Scene scene, string key)
    {
        using var store = DirectStore(scene);
        return await store.HeadAsync(key);
    }

    /// <summary>The store as it is, not through the proxy.</summary>
    private static S3ArtefactStore DirectStore(Scene scene) =>
        new(new S3StoreOptions
        {
            Bucket = scene.S3.Bucket, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey, Endpoint = scene.S3.Endpoint,
        });

    private static Task<IReadOnlyList<PendingUpload>> PendingUploadsAsync(Scene scene) =>
        new BackupCatalogue(scene.Env.Recovery.ConnectionString, TimeProvider.System).PendingUploadsAsync();

    private static List<string> ListedKeys(CliResult list) =>
        [.. Json(list).GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("key").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<string> Sha256Async(IArtefactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }
}
