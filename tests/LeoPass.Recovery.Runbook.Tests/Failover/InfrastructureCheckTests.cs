using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests.Failover;

/// <summary>
/// runbook.check-infrastructure on real PostgreSQL, as the first step of dr-rehearsal: a standby
/// that cannot take the restore halts the run at the check, with the reason, before anything is
/// touched — no Cloudflare call, no worker paused, no database created.
/// </summary>
public sealed class InfrastructureCheckTests
{
    [Fact]
    public async Task A_dump_whose_manifest_claims_a_newer_major_than_the_target_halts_at_the_check_before_provisioning()
    {
        await using var bed = await DnsFailoverTests.PreparedBedAsync();
        // The manifest says the dump came from PostgreSQL 99 (what a primary upgraded ahead of its standby would write).
        var manifest = Directory.GetFiles(bed.Variables["BACKUP_DIR"]!, "*.manifest.json").Single();
        var text = await File.ReadAllTextAsync(manifest);
        var serverVersion = System.Text.RegularExpressions.Regex.Match(text, "\"serverVersion\": \"([^\"]+)\"").Groups[1].Value;
        await File.WriteAllTextAsync(manifest, text.Replace($"\"serverVersion\": \"{serverVersion}\"", "\"serverVersion\": \"99.1\"", StringComparison.Ordinal));

        var reason = await HaltedAtTheCheckAsync(bed);

        Assert.Contains("target-major-version: target PostgreSQL 15 is older than the dump's source PostgreSQL 99", reason, StringComparison.Ordinal);
        Assert.Contains("upgrade the standby to 99 or newer", reason, StringComparison.Ordinal);
        Assert.Contains("target-reachable:", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_needing_more_space_than_the_target_has_free_halts_at_the_check_before_provisioning()
    {
        await using var bed = await DnsFailoverTests.PreparedBedAsync();
        // A role like a managed server's: may create databases, may not read the data directory, so the
        // declared free space is what the check has.
        var role = "standby_" + Guid.NewGuid().ToString("N")[..8];
        await bed.Source.ExecuteAsync($"CREATE ROLE {role} LOGIN CREATEDB PASSWORD 'standby-pw-81'");
        try
        {
            var asRole = new Npgsql.NpgsqlConnectionStringBuilder(bed.TargetConnectionString) { Username = role, Password = "standby-pw-81" }.ConnectionString;
            bed.Variables["TARGET_DATABASE_URL"] = PostgresConnectionString.ToUrl(asRole);
            bed.Variables["RESTORE_TARGET_FREE_BYTES"] = "64K";

            var reason = await HaltedAtTheCheckAsync(bed);

            Assert.Matches(@"target-free-space: the restore needs [\d.]+ [KM]iB \(dump [\d.]+ [KM]iB × RESTORE_SPACE_MARGIN 2\.5\); RESTORE_TARGET_FREE_BYTES has only 64\.0 KiB free", reason);
            Assert.Contains("target-can-create-databases: the role of TARGET_DATABASE_URL may create databases", reason, StringComparison.Ordinal);
        }
        finally
        {
            await bed.Source.ExecuteAsync($"DROP ROLE IF EXISTS {role}");
        }
    }

    [Fact]
    public async Task An_unreachable_target_halts_at_the_check_before_provisioning()
    {
        await using var bed = await DnsFailoverTests.PreparedBedAsync();
        var closedPort = FreePort.Next();
        bed.Variables["TARGET_DATABASE_URL"] = PostgresConnectionString.ToUrl(new Npgsql.NpgsqlConnectionStringBuilder(bed.TargetConnectionString) { Port = closedPort }.ConnectionString);

        var reason = await HaltedAtTheCheckAsync(bed);

        Assert.Contains($"target-reachable: cannot connect to ", reason, StringComparison.Ordinal);
        Assert.Contains($":{closedPort}", reason, StringComparison.Ordinal);
        // What needs no target was still checked and is named too.
        Assert.Contains("work-directory-free-space: RESTORE_WORK_DIR", reason, StringComparison.Ordinal);
        Assert.Contains("pg-restore-major-version: pg_restore 15 ≥ the pg_dump 15", reason, StringComparison.Ordinal);
    }

    /// <summary>Starts dr-rehearsal, expects it halted at its first step with nothing touched, and returns the halt reason.</summary>
    private static async Task<string> HaltedAtTheCheckAsync(RunbookTestBed bed)
    {
        var node = await bed.StartEngineAsync();
        var runId = await node.StartAsync("dr-rehearsal");
        var run = await node.WaitForAsync(runId, null, RunState.Halted, RunState.WaitingForApproval, RunState.Succeeded);

        Assert.Equal(RunState.Halted, run.State);
        Assert.Equal(StepState.Failed, run.Steps.Single(s => s.StepId == "check").State);
        Assert.Equal(1, run.Steps.Single(s => s.StepId == "check").Attempts);
        Assert.All(run.Steps.Where(s => s.StepId != "check"), s => Assert.Equal(StepState.Pending, s.State));
        Assert.Contains("the standby is not ready for leopass-", run.HaltReason, StringComparison.Ordinal);
        // Nothing touched: no Cloudflare call, no worker hook, no database created.
        Assert.Empty(bed.Http.Requests);
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName), "the check must not create the restore target");
        // The report names the failed check and its reason.
        var report = await node.Reports.BuildAsync(runId);
        Assert.Equal(run.Steps.Single(s => s.StepId == "check").Error, report.Steps.Single(s => s.Id == "check").Note);
        return run.HaltReason!;
    }
}
