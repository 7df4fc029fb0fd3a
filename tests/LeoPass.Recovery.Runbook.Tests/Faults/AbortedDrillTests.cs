using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests.Faults;

/// <summary>
/// A restore run aborted after its download: no dump stays on disk, and the database the run
/// created is dropped or reported as left behind, as the definition's onAbort.restoreTarget says —
/// never a database the run did not create.
/// </summary>
[Collection(ProcessWideToolsCollection.Name)]
public sealed class AbortedDrillTests
{
    [Fact]
    public async Task A_drill_aborted_during_pg_restore_leaves_no_dump_and_drops_the_target_it_created_as_its_definition_says()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        var sourceBefore = await bed.FingerprintAsync(bed.Source.ConnectionString);
        var (node, runId) = await StartDrillInsidePgRestoreAsync(bed);
        Assert.True(await PostgresServer.DatabaseExistsAsync(bed.TargetName));
        Assert.NotEmpty(DumpsOf(bed, runId));

        await node.Operations.AbortAsync(runId, "staging is needed for a release", "responder");

        var run = await node.WaitForAsync(runId, null, RunState.Aborted);
        Assert.Contains("aborted by responder: staging is needed for a release", run.HaltReason, StringComparison.Ordinal);
        await RestoreFaultTests.AssertNoDumpLeftAsync(bed, runId);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName), "restore-drill says onAbort.restoreTarget drop: the target it created must be gone");
        var record = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action.StartsWith("restore-target.", StringComparison.Ordinal));
        Assert.Equal("restore-target.dropped", record.Action);
        Assert.Contains($"database {bed.TargetName} created by this run was dropped (onAbort.restoreTarget is drop in restore-drill v2)", record.Reason, StringComparison.Ordinal);
        Assert.Contains((await node.Reports.BuildAsync(runId)).OperatorNotes, n => n.Contains("restore-target.dropped provision — database", StringComparison.Ordinal));
        // The source is untouched.
        Assert.Equal(sourceBefore, await bed.FingerprintAsync(bed.Source.ConnectionString));
    }

    [Fact]
    public async Task An_aborted_drill_never_drops_a_database_it_did_not_create_even_under_the_drop_policy()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        var (node, runId) = await StartDrillInsidePgRestoreAsync(bed);
        // Someone else takes the database over under the same name: it no longer carries the run's mark.
        await using (var admin = await AdminAsync())
        {
            await using var comment = new Npgsql.NpgsqlCommand($"COMMENT ON DATABASE \"{bed.TargetName}\" IS 'staging app, do not drop'", admin);
            await comment.ExecuteNonQueryAsync();
        }

        await node.Operations.AbortAsync(runId, "wrong day", "responder");

        Assert.True(await PostgresServer.DatabaseExistsAsync(bed.TargetName), "a database without this run's mark must never be dropped");
        var record = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action.StartsWith("restore-target.", StringComparison.Ordinal));
        Assert.Equal("restore-target.none", record.Action);
        Assert.Contains($"no database created by run {runId} exists on the target server", record.Reason, StringComparison.Ordinal);
        await RestoreFaultTests.AssertNoDumpLeftAsync(bed, runId);
    }

    [Fact]
    public async Task An_abort_never_drops_a_target_another_runs_provision_replaced_between_its_check_and_its_drop()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        var (node, runId) = await StartDrillInsidePgRestoreAsync(bed);

        // Another run's provision holds the target's lock, as it does from its DROP to its mark
        // (advisory locks belong to one database: the product takes them in "postgres").
        await using var otherProvision = new Npgsql.NpgsqlConnection(LeoPass.Recovery.Core.Configuration.PostgresConnectionString.WithDatabase(PostgresServer.SuperuserConnectionString, "postgres"));
        await otherProvision.OpenAsync();
        var held = await LeoPass.Recovery.Runbook.Restore.RestoreTargetLock.AcquireAsync(otherProvision, bed.TargetName, CancellationToken.None);
        var abort = node.Operations.AbortAsync(runId, "wrong day", "responder");
        await WaitForALockWaiterAsync(abort, bed.TargetName);
        // While the abort waits, the other run replaces the database under the same name.
        foreach (var sql in new[]
        {
            $"DROP DATABASE \"{bed.TargetName}\" WITH (FORCE)",
            $"CREATE DATABASE \"{bed.TargetName}\"",
            $"COMMENT ON DATABASE \"{bed.TargetName}\" IS 'created by leopass-recovery run 999999'",
        })
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, otherProvision);
            await command.ExecuteNonQueryAsync();
        }
        await held.DisposeAsync();
        await abort;

        Assert.True(await PostgresServer.DatabaseExistsAsync(bed.TargetName), "the other run's database must survive this run's abort");
        var record = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action.StartsWith("restore-target.", StringComparison.Ordinal));
        Assert.Equal("restore-target.kept", record.Action);
        Assert.Contains($"database {bed.TargetName} no longer carries the mark of run {runId}", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incident_restore_aborted_at_the_gate_after_its_download_deletes_the_dump_at_once_and_reports_the_target_as_left_behind()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        bed.ConfigureProductionSwitches();
        await bed.BackupAsync();
        var node = await bed.StartEngineAsync();

        var runId = await node.StartAsync("incident-restore", new() { ["confirm"] = bed.TargetName });
        var waiting = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.Equal(StepState.WaitingForApproval, waiting.Steps.Single(s => s.StepId == "restore").State);
        Assert.Equal(StepState.Succeeded, waiting.Steps.Single(s => s.StepId == "download").State);
        // Step 3 is done: the decrypted dump waits on disk for the approval.
        Assert.NotEmpty(DumpsOf(bed, runId));

        await node.Operations.AbortAsync(runId, "restoring from the replica instead", "responder");

        // Gone when the abort returns, not at the next sweep.
        Assert.False(Directory.Exists(RunDirectory(bed, runId)), "the dump of a run aborted at a gate must go with the abort");
        await RestoreFaultTests.AssertNoDumpLeftAsync(bed, runId);
        // incident-restore says nothing about onAbort: the target is kept, and the audit says so and how to drop it.
        Assert.True(await PostgresServer.DatabaseExistsAsync(bed.TargetName));
        var record = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action.StartsWith("restore-target.", StringComparison.Ordinal));
        Assert.Equal("restore-target.kept", record.Action);
        Assert.Contains($"left behind: database {bed.TargetName} created by this run was kept (onAbort.restoreTarget is keep in incident-restore v", record.Reason, StringComparison.Ordinal);
        Assert.Contains($"DROP DATABASE \"{bed.TargetName}\"", record.Reason, StringComparison.Ordinal);
        Assert.Equal("provision", record.StepId);
        Assert.Contains((await node.Reports.BuildAsync(runId)).FollowUps, f => f.StartsWith($"Restore target after the abort: left behind: database {bed.TargetName}", StringComparison.Ordinal));
    }

    /// <summary>A backup, then a restore-drill on a node of its own, returned while its pg_restore runs (and stays, see <see cref="SlowPgRestoreAsync"/>).</summary>
    private static async Task<(EngineNode Node, long RunId)> StartDrillInsidePgRestoreAsync(RunbookTestBed bed)
    {
        await bed.BackupAsync();
        bed.Variables["PG_BIN_DIR"] = await SlowPgRestoreAsync(bed);
        var node = await bed.StartEngineAsync();
        var runId = await node.StartAsync("restore-drill");
        await WaitForRestoreToRunAsync(node, runId);
        return (node, runId);
    }

    /// <summary>pg_restore through PG_BIN_DIR: the real one, then a pause, so the step is still running when the test aborts.</summary>
    internal static async Task<string> SlowPgRestoreAsync(RunbookTestBed bed)
    {
        var bin = Directory.CreateDirectory(Path.Combine(bed.WorkDirectory, "slow-bin")).FullName;
        var real = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pg_restore")).First(File.Exists);
        var wrapper = Path.Combine(bin, "pg_restore");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\n'{real}' \"$@\"\nrc=$?\nsleep 60\nexit $rc\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    internal static async Task WaitForRestoreToRunAsync(EngineNode node, long runId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if ((await node.Queries.JournalAsync(runId)).Any(a => a.StepId == "restore" && a.Outcome == "Running" && a.Intents.Any(i => i.StartsWith("pg_restore", StringComparison.Ordinal)))) return;
            await Task.Delay(50);
        }
        var run = await node.Queries.GetAsync(runId);
        throw new TimeoutException($"run {runId} never reached pg_restore: {run.State} {run.HaltReason}");
    }

    private static string RunDirectory(RunbookTestBed bed, long runId) => Path.Combine(bed.Variables["RESTORE_WORK_DIR"]!, $"run-{runId}");

    private static string[] DumpsOf(RunbookTestBed bed, long runId) =>
        Directory.Exists(RunDirectory(bed, runId)) ? Directory.GetFiles(RunDirectory(bed, runId), "*.dump") : [];

    /// <summary>Waits until a session waits for a restore target's lock (RestoreTargetLock's keys: "LPRT", the name's hash), the abort at its drop; fails if the abort ends first.</summary>
    private static async Task WaitForALockWaiterAsync(Task abort, string database)
    {
        await using var admin = await AdminAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (abort.IsCompleted)
            {
                await abort;
                Assert.Fail("the abort ended without waiting for the restore target's lock: its check and its drop are not guarded");
            }
            await using var waiting = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1280332372::oid AND objid = hashtext(@database)::oid AND objsubid = 2 AND NOT granted", admin);
            waiting.Parameters.AddWithValue("database", database);
            if ((long)(await waiting.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(50);
        }
        Assert.Fail("the abort never waited for the restore target's lock within 60 s");
    }

    private static async Task<Npgsql.NpgsqlConnection> AdminAsync()
    {
        var connection = new Npgsql.NpgsqlConnection(PostgresServer.SuperuserConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
