using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Prediction;
using LeoPass.Recovery.Runbook.Tests.Support;
using BackupManifest = LeoPass.Recovery.Backup.Artefacts.BackupManifest;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook.Tests.Verification;

/// <summary>verify-restore, for real: a nightly backup, then its proof by restore into a scratch database.</summary>
public sealed class VerifyRestoreTests
{
    [Fact]
    public async Task A_successful_nightly_backup_is_followed_by_verify_restore_which_marks_it_restore_verified_and_drops_its_scratch_database()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        var node = await bed.StartEngineAsync();

        var backupRun = await node.StartAsync("nightly-backup");
        var backup = await node.WaitForAsync(backupRun, null, RunState.Succeeded, RunState.Halted);
        Assert.Equal(RunState.Succeeded, backup.State);
        var key = JsonNode.Parse(backup.Steps.Single(s => s.StepId == "dump-upload").Output!)!["key"]!.GetValue<string>();

        // Started by the nightly backup's success, on the backup it made (trigger type after).
        var verifyRun = await WaitForFollowerAsync(node, "verify-restore");
        var verified = await node.WaitForAsync(verifyRun.Id, TimeSpan.FromMinutes(3), RunState.Succeeded, RunState.Halted);
        Assert.True(verified.State == RunState.Succeeded, $"{verified.HaltReason}");
        Assert.Equal("after", verified.Trigger);
        var download = JsonNode.Parse(verified.Steps.Single(s => s.StepId == "download").Output!)!;
        Assert.Equal(key, download["key"]!.GetValue<string>());

        var entry = await node.Services.GetRequiredService<BackupCatalogue>().FindAsync(key);
        Assert.NotNull(entry?.RestoreVerifiedAt);
        Assert.Equal(verifyRun.Id, entry!.RestoreVerifiedRunId);
        var manifest = BackupManifest.Parse(entry.ManifestJson, key);
        Assert.Equal(manifest.Tables.Count, entry.RestoreVerifiedTables);
        Assert.Equal($"{manifest.Tables.Count} tables, counts equal, migration head {manifest.LatestMigration?.Name ?? "none"}", entry.RestoreVerifiedSummary);
        Assert.Equal(key, (await node.Services.GetRequiredService<BackupCatalogue>().LatestRestoreVerifiedAsync())?.Key);

        // The scratch database was this run's own, on the target's server, and is gone.
        var provision = JsonNode.Parse(verified.Steps.Single(s => s.StepId == "provision").Output!)!["database"]!.GetValue<string>();
        Assert.Equal($"{bed.TargetName}_verify_r{verifyRun.Id}", provision);
        Assert.False(await PostgresServer.DatabaseExistsAsync(provision));
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName), "the restore target itself was never touched");

        // Every night adds a throughput sample: the prediction uses this run's download and restore.
        var prediction = await node.Services.GetRequiredService<RtoPredictor>().PredictAsync();
        Assert.NotNull(prediction);
        Assert.Equal(key, prediction!.BackupKey);
        Assert.Equal(1, prediction.DownloadSamples);
        Assert.Equal(1, prediction.RestoreSamples);
        var journal = await node.Queries.JournalAsync(verifyRun.Id);
        var downloadTime = journal.Single(a => a.StepId == "download" && a.Outcome == "Succeeded").Duration!.Value;
        Assert.Equal(manifest.Sizes.StoredBytes / downloadTime.TotalSeconds, prediction.DownloadBytesPerSecond, 6);
    }

    [Fact]
    public async Task A_backup_whose_re_signed_manifest_lies_about_one_row_count_fails_verification_alerts_and_stays_unmarked()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 1_000);
        var signing = OpenPgpKeyPairGenerator.GenerateSigningKey(Path.Combine(bed.WorkDirectory, "signing"));
        bed.Variables["BACKUP_SIGNING_KEY"] = signing.PrivateKeyPath;
        bed.Variables["BACKUP_TRUSTED_SIGNERS"] = signing.PublicKeyPath;
        bed.Variables["UPTIME_KUMA_PUSH_URL"] = bed.Http.Url("/api/push/kumaToken1?status=up&msg=OK").ToString();
        bed.Variables["SENTRY_DSN"] = $"http://0123456789abcdef0123456789abcdef@127.0.0.1:{bed.Http.Port}/7";
        bed.Variables["OPS_WEBHOOK_URL"] = bed.Http.Url("/ops").ToString();
        bed.Variables["VERIFY_RESTORE_AFTER_BACKUP"] = "false";
        var key = await bed.BackupAsync();

        // Someone who holds the signing key changes one table's count: the signature is valid, the count is not.
        var store = Path.Combine(bed.WorkDirectory, "store");
        var manifestPath = Path.Combine(store, ArtefactKey.ManifestOf(key));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        var table = manifest["tables"]!.AsArray().First(t => t!["rows"]!.GetValue<long>() > 0)!;
        var tableName = $"{table["schema"]}.{table["name"]}";
        var trueRows = table["rows"]!.GetValue<long>();
        table["rows"] = trueRows + 1;
        var altered = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString(BackupManifest.JsonOptions));
        var signature = ManifestSigner.Load(signing.PrivateKeyPath, null).Sign(altered, DateTimeOffset.UtcNow);
        foreach (var (path, bytes) in new[] { (manifestPath, altered), (Path.Combine(store, ArtefactKey.SignatureOf(key)), signature) })
        {
            File.Delete(path);
            await File.WriteAllBytesAsync(path, bytes);
        }

        var node = await bed.StartEngineAsync();
        var runId = await node.StartAsync("verify-restore", new() { ["backup"] = key });
        var run = await node.WaitForAsync(runId, TimeSpan.FromMinutes(3), RunState.Halted, RunState.Succeeded);

        Assert.Equal(RunState.Halted, run.State);
        var validate = run.Steps.Single(s => s.StepId == "validate");
        Assert.Equal(StepState.Failed, validate.State);
        Assert.Contains($"{tableName} has {trueRows} rows, expected {trueRows + 1}", validate.Error, StringComparison.Ordinal);
        Assert.Equal(StepState.Pending, run.Steps.Single(s => s.StepId == "record").State);

        // Recorded on the backup by the observer that hears the halt, just after it is committed.
        var catalogue = node.Services.GetRequiredService<BackupCatalogue>();
        var entry = await catalogue.FindAsync(key);
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); entry?.RestoreVerifyFailure is null && DateTime.UtcNow < deadline; entry = await catalogue.FindAsync(key))
        {
            await Task.Delay(100);
        }
        Assert.Null(entry!.RestoreVerifiedAt);
        Assert.Contains($"run {runId}:", entry.RestoreVerifyFailure, StringComparison.Ordinal);
        Assert.Contains("expected", entry.RestoreVerifyFailure, StringComparison.Ordinal);
        Assert.Null(await node.Services.GetRequiredService<BackupCatalogue>().LatestRestoreVerifiedAsync());

        // Alerted as a failed backup is: Uptime Kuma down, a Sentry event, the Ops webhook.
        var down = await bed.Http.WaitForAsync(r => r.Path.StartsWith("/api/push/kumaToken1", StringComparison.Ordinal));
        Assert.Equal("down", Assert.Single(down).Query("status"));
        Assert.Contains("verify-restore", down[0].Query("msg"), StringComparison.Ordinal);
        var sentry = Assert.Single(await bed.Http.WaitForAsync(r => r.Path == "/api/7/envelope/"));
        Assert.Contains("verify-restore", sentry.Body, StringComparison.Ordinal);
        var ops = Assert.Single(await bed.Http.WaitForAsync(r => r.Path == "/ops"));
        var payload = JsonNode.Parse(ops.Body)!;
        Assert.Equal("failed", payload["status"]!.GetValue<string>());
        Assert.Equal("verify-restore", payload["job"]!.GetValue<string>());

        // The scratch database stays for inspection while the run is halted; an abort drops it (onAbort: drop).
        var scratch = JsonNode.Parse(run.Steps.Single(s => s.StepId == "provision").Output!)!["database"]!.GetValue<string>();
        Assert.True(await PostgresServer.DatabaseExistsAsync(scratch));
        await node.Operations.AbortAsync(runId, "the manifest was tampered with", "tester");
        Assert.False(await PostgresServer.DatabaseExistsAsync(scratch));
    }

    [Fact]
    public async Task Backup_verify_restore_on_the_command_line_proves_a_backup_by_hand_and_backup_list_shows_the_mark()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 500);
        var key = await bed.BackupAsync();

        var proof = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(4), "backup", "verify", key, "--restore", "--json");
        Assert.True(proof.ExitCode == 0, proof.ToString());
        var result = JsonNode.Parse(proof.StandardOutput)!;
        Assert.Equal(key, result["key"]!.GetValue<string>());
        Assert.StartsWith($"{result["tables"]!.GetValue<long>()} tables, counts equal", result["summary"]!.GetValue<string>(), StringComparison.Ordinal);

        var list = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(2), "backup", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = JsonNode.Parse(list.StandardOutput)!["backups"]!.AsArray().Single(b => b!["key"]!.GetValue<string>() == key)!;
        Assert.Equal(result["run"]!.GetValue<long>(), listed["restoreVerifiedRunId"]!.GetValue<long>());
        Assert.Equal(result["summary"]!.GetValue<string>(), listed["restoreVerifiedSummary"]!.GetValue<string>());
        var table = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(2), "backup", "list");
        Assert.Contains($"({result["tables"]!.GetValue<long>()} tables equal)", table.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<Run> WaitForFollowerAsync(EngineNode node, string definition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var runs = await node.Queries.ListAsync(5, definition);
            if (runs.Count > 0) return runs[0];
            await Task.Delay(100);
        }
        throw new TimeoutException($"no {definition} run was started after the backup succeeded");
    }
}
