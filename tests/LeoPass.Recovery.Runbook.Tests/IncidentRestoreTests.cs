using System.Text.Json;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class IncidentRestoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Incident_quarantines_keeps_traffic_closed_while_halted_then_reopens_exactly_what_it_closed_and_rotates_the_app_password()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        bed.ConfigureProductionSwitches();
        var role = "app_" + Guid.NewGuid().ToString("N")[..8];
        const string oldPassword = "old-app-password-5521";
        bed.Variables["APP_DATABASE_ROLE"] = role;
        await bed.Source.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{oldPassword}'");
        await bed.BackupAsync();
        await bed.WriteMigrationAsync(succeeds: false);
        var node = await bed.StartEngineAsync();

        var runId = await node.StartAsync("incident-restore", new() { ["confirm"] = bed.TargetName, ["rotateCredentials"] = "true", ["notes"] = "INC-77: bad deploy dropped data" });
        var waiting = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.Equal(StepState.WaitingForApproval, waiting.Steps.Single(s => s.StepId == "restore").State);
        await node.Operations.ApproveAsync(runId, "restore", "restore point checked", "responder");

        // Migrations fail: the run halts with traffic still quarantined.
        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "migrate").State);
        var add = Assert.Single(bed.Http.Requests, r => r.Method == "POST" && r.Path == $"/client/v4/zones/{RunbookTestBed.ZoneId}/rulesets/rs-entry-1/rules");
        Assert.Equal($"Bearer {RunbookTestBed.CloudflareToken}", add.Headers["Authorization"]);
        using (var rule = JsonDocument.Parse(add.Body))
        {
            Assert.Equal("block", rule.RootElement.GetProperty("action").GetString());
            Assert.Equal($"leopass-recovery maintenance (run {runId})", rule.RootElement.GetProperty("description").GetString());
        }
        var pause = Assert.Single(bed.Http.RequestsTo("/workers"));
        Assert.Contains("\"pause\"", pause.Body, StringComparison.Ordinal);
        await Task.Delay(1500);
        Assert.DoesNotContain(bed.Http.Requests, r => r.Method == "DELETE");
        Assert.DoesNotContain(bed.Http.RequestsTo("/workers"), r => r.Body.Contains("resume", StringComparison.Ordinal));

        // Fixed; retried: it asks before moving DNS to the standby, then before reopening, still closed.
        await bed.WriteMigrationAsync(succeeds: true);
        await node.Operations.RetryAsync(runId, "responder");
        var beforeFailover = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.Equal(StepState.WaitingForApproval, beforeFailover.Steps.Single(s => s.StepId == "failover").State);
        Assert.Empty(FakeCloudflareDns.Patches(bed.Http));
        await node.Operations.ApproveAsync(runId, "failover", "the primary is gone: move DNS", "responder");
        var beforeReopen = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.Equal(StepState.WaitingForApproval, beforeReopen.Steps.Single(s => s.StepId == "reopen").State);
        Assert.Equal(RunbookTestBed.StandbyAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
        Assert.DoesNotContain(bed.Http.Requests, r => r.Method == "DELETE");

        // The rotated password: the old one is refused, the delivered one works.
        var envLine = (await File.ReadAllLinesAsync(bed.ServicesEnvFile)).Single(l => l.StartsWith("DATABASE_URL=", StringComparison.Ordinal));
        var delivered = PostgresConnectionString.Parse(envLine["DATABASE_URL=".Length..].Trim('"'), "DATABASE_URL");
        var deliveredBuilder = new NpgsqlConnectionStringBuilder(delivered);
        Assert.Equal(role, deliveredBuilder.Username);
        Assert.Equal(bed.TargetName, deliveredBuilder.Database);
        var newPassword = deliveredBuilder.Password!;
        Assert.NotEqual(oldPassword, newPassword);
        await using (var ok = new NpgsqlConnection(delivered))
        {
            await ok.OpenAsync();
        }
        var old = new NpgsqlConnectionStringBuilder(delivered) { Password = oldPassword, Pooling = false }.ConnectionString;
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(old);
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        await node.Operations.ApproveAsync(runId, "reopen", "scan and login checked by hand", "responder");
        var done = await node.WaitForAsync(runId, null, RunState.Succeeded, RunState.Halted);
        Assert.Equal(RunState.Succeeded, done.State);

        // The reopen deleted exactly the rule the quarantine added, and resumed the workers it paused.
        var delete = Assert.Single(bed.Http.Requests, r => r.Method == "DELETE");
        Assert.Equal($"/client/v4/zones/{RunbookTestBed.ZoneId}/rulesets/rs-entry-1/rules/maint-rule-42", delete.Path);
        var workerCalls = bed.Http.RequestsTo("/workers");
        Assert.Equal(2, workerCalls.Count);
        Assert.Contains("\"resume\"", workerCalls[1].Body, StringComparison.Ordinal);
        Assert.Equal(3, bed.Http.Requests.Count(r => r.Path.StartsWith("/client/v4/", StringComparison.Ordinal) && !r.Path.Contains("/dns_records", StringComparison.Ordinal)));
        // An incident leaves DNS on the standby: failing back is a person's later decision, and the report says so.

        // Report: RTO until traffic reopened; posted to the incident tracker; no secret anywhere.
        var report = await node.Reports.BuildAsync(runId);
        Assert.Equal(RunbookTestBed.StandbyAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
        Assert.Equal("on the standby", Assert.Single(report.Dns!.Records).Now);
        Assert.Contains(report.FollowUps, f => f.StartsWith("DNS: A app.leopass.test still says 198.51.100.20", StringComparison.Ordinal) && f.Contains($"failoverRun={runId}", StringComparison.Ordinal));
        Assert.Equal("traffic reopened", report.RtoMeasuredUntil);
        Assert.All(report.Steps, s => Assert.False(s.Disabled));
        var incident = Assert.Single(bed.Http.RequestsTo("/incidents"));
        Assert.Contains("INC-77", incident.Body, StringComparison.Ordinal);
        var notes = await File.ReadAllTextAsync(bed.ShipNotes);
        Assert.Contains("until traffic reopened", notes, StringComparison.Ordinal);
        var journal = JsonSerializer.Serialize(await node.Queries.JournalAsync(runId)) + JsonSerializer.Serialize(await node.Queries.GetAsync(runId));
        foreach (var secret in new[] { newPassword, RunbookTestBed.CloudflareToken })
        {
            Assert.DoesNotContain(secret, journal, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, notes, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, incident.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Incident_report_splits_the_rto_into_work_gate_waits_and_halted_time_as_measured_and_the_post_mortem_agrees_with_run_report()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        bed.ConfigureProductionSwitches();
        bed.Variables["INCIDENT_WEBHOOK_URL"] = bed.Http.Url("/incidents").ToString();
        await bed.BackupAsync();
        await bed.WriteMigrationAsync(succeeds: false);
        var node = await bed.StartEngineAsync();
        var holdRestoreGate = TimeSpan.FromSeconds(2.0);
        var holdHalt = TimeSpan.FromSeconds(1.5);
        var holdReopenGate = TimeSpan.FromSeconds(3.0);

        var wall = System.Diagnostics.Stopwatch.StartNew();
        var runId = await node.StartAsync("incident-restore", new() { ["confirm"] = bed.TargetName });
        await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        var heldRestore = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(holdRestoreGate);
        heldRestore.Stop();
        var calls = System.Diagnostics.Stopwatch.StartNew();
        await node.Operations.ApproveAsync(runId, "restore", "restore point checked", "responder");
        calls.Stop();

        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "migrate").State);
        var heldHalt = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(holdHalt);
        await bed.WriteMigrationAsync(succeeds: true);
        heldHalt.Stop();
        var retryCall = System.Diagnostics.Stopwatch.StartNew();
        await node.Operations.RetryAsync(runId, "responder");
        retryCall.Stop();

        // The DNS failover's gate is approved at once (its wait is the polling and the call).
        await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        calls.Start();
        await node.Operations.ApproveAsync(runId, "failover", "move DNS", "responder");
        calls.Stop();
        await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        var heldReopen = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(holdReopenGate);
        heldReopen.Stop();
        calls.Start();
        await node.Operations.ApproveAsync(runId, "reopen", "checked by hand", "responder");
        calls.Stop();
        var done = await node.WaitForAsync(runId, null, RunState.Succeeded, RunState.Halted);
        wall.Stop();
        Assert.Equal(RunState.Succeeded, done.State);

        var report = await node.Reports.BuildAsync(runId);
        var journal = await node.Queries.JournalAsync(runId);
        var reopenEnd = journal.Single(a => a.StepId == "reopen" && a.Outcome == "Succeeded").EndedAt!.Value;
        var runWall = (done.EndedAt!.Value - done.StartedAt!.Value).TotalSeconds;

        // RTO: the reopen's end minus the run's start — within the run's wall time, and the test's own clock.
        Assert.Equal((reopenEnd - done.StartedAt.Value).TotalSeconds, report.RtoSeconds!.Value, 0.002);
        Assert.True(report.RtoSeconds <= runWall, $"RTO {report.RtoSeconds} s is more than the run's wall time {runWall} s");
        Assert.True(report.RtoSeconds <= wall.Elapsed.TotalSeconds, $"RTO {report.RtoSeconds} s is more than the {wall.Elapsed.TotalSeconds} s the test measured");
        Assert.Equal(runWall, report.WallSeconds!.Value, 0.002);

        output.WriteLine($"measured by the test: wall {wall.Elapsed.TotalSeconds:0.000} s, gates held {heldRestore.Elapsed.TotalSeconds:0.000} + {heldReopen.Elapsed.TotalSeconds:0.000} s (+ approve calls {calls.Elapsed.TotalSeconds:0.000} s), halted {heldHalt.Elapsed.TotalSeconds:0.000} s (+ retry call {retryCall.Elapsed.TotalSeconds:0.000} s)");
        foreach (var a in journal.OrderBy(a => a.StartedAt))
        {
            output.WriteLine($"  {a.StepId} #{a.Number} {a.Outcome}: {(a.StartedAt - done.StartedAt!.Value).TotalSeconds:0.000} → {((a.EndedAt ?? a.StartedAt) - done.StartedAt!.Value).TotalSeconds:0.000} s");
        }
        output.WriteLine($"report: run wall {runWall:0.000} s, RTO {report.RtoSeconds:0.000} s = work {report.RtoBreakdown!.WorkSeconds} + gates {report.RtoBreakdown.WaitingSeconds} + halted {report.RtoBreakdown.HaltedSeconds} + lost {report.RtoBreakdown.LostSeconds} + overhead {report.RtoBreakdown.OverheadSeconds}");
        // Each bucket as measured. A wait began before the test saw it (it polls every 100 ms) and ended
        // inside the responder's call: at least what the test held, at most that plus the call and the polling.
        var b = report.RtoBreakdown!;
        var gates = (heldRestore.Elapsed + heldReopen.Elapsed).TotalSeconds;
        Assert.InRange(b.WaitingSeconds, gates - 0.01, gates + calls.Elapsed.TotalSeconds + 3 * 0.25);
        Assert.InRange(b.HaltedSeconds, heldHalt.Elapsed.TotalSeconds - 0.01, heldHalt.Elapsed.TotalSeconds + retryCall.Elapsed.TotalSeconds + 0.25);
        Assert.Equal(0, b.LostSeconds);
        var work = journal.Where(a => a.EndedAt <= reopenEnd).Sum(a => a.Duration!.Value.TotalSeconds);
        Assert.Equal(work, b.WorkSeconds, 0.01);
        Assert.Equal(report.RtoSeconds.Value, b.WorkSeconds + b.WaitingSeconds + b.HaltedSeconds + b.LostSeconds + b.OverheadSeconds, 0.01);
        Assert.InRange(b.OverheadSeconds, 0, 3);
        Assert.Equal(b.HaltedSeconds, report.Steps.Single(s => s.Id == "migrate").HaltedSeconds, 0.01);
        Assert.InRange(report.Steps.Single(s => s.Id == "reopen").WaitingSeconds, heldReopen.Elapsed.TotalSeconds - 0.01, heldReopen.Elapsed.TotalSeconds + calls.Elapsed.TotalSeconds + 0.25);

        // The post-mortem described the run as it ended, and `run report` afterwards says the same.
        var notes = await File.ReadAllTextAsync(bed.ShipNotes);
        Assert.Contains("(run state Succeeded)", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("Running", notes, StringComparison.Ordinal);
        Assert.Contains("- [ ] Step 6 (migrate) had 1 unsuccessful attempt(s): Failed", notes, StringComparison.Ordinal);
        Assert.Contains("**Where the RTO went:**", notes, StringComparison.Ordinal);
        using var incident = JsonDocument.Parse(Assert.Single(bed.Http.RequestsTo("/incidents")).Body);
        var posted = incident.RootElement.GetProperty("followUps").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Equal(report.FollowUps, posted);
        Assert.Equal(report.Outcome, incident.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(report.RtoSeconds, incident.RootElement.GetProperty("rtoSeconds").GetDouble());
        Assert.All(report.FollowUps, f => Assert.DoesNotContain("Running", f, StringComparison.Ordinal));
        Assert.Equal(RunState.Succeeded, report.State);
    }
}
