using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests.Failover;

/// <summary>
/// The DR rehearsal's DNS failover and failback against a local fake of Cloudflare's DNS records
/// API that keeps the zone and records every call (the quarantine's recording server): the record
/// is switched and the wait sees it, the failback puts back exactly what was there, a record
/// changed meanwhile is never overwritten, a failed validation never reaches the failover, and an
/// abort after the failover fails back.
/// </summary>
public sealed class DnsFailoverTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task The_rehearsal_switches_the_record_sees_the_change_and_fails_back_to_exactly_the_previous_content_ttl_and_proxied_flag()
    {
        await using var bed = await PreparedBedAsync();
        var original = bed.Dns.Get(bed.AppRecordId);
        var node = await bed.StartEngineAsync();
        var wall = System.Diagnostics.Stopwatch.StartNew();

        var runId = await RunToTheReopenGateAsync(node);
        // At the reopen gate the failover is done: the record points at the standby, as configured.
        var switched = bed.Dns.Get(bed.AppRecordId);
        Assert.Equal(RunbookTestBed.StandbyAddress, switched["content"]!.GetValue<string>());
        Assert.Equal(60, switched["ttl"]!.GetValue<int>());
        Assert.False(switched["proxied"]!.GetValue<bool>());
        var patch = Assert.Single(FakeCloudflareDns.Patches(bed.Http));
        Assert.Equal($"/client/v4/zones/{RunbookTestBed.ZoneId}/dns_records/{bed.AppRecordId}", patch.Path);
        Assert.Equal($"Bearer {RunbookTestBed.CloudflareToken}", patch.Headers["Authorization"]);
        var failover = await StepOutputAsync(node, runId, "failover");
        var change = Assert.Single(failover["records"]!.AsArray())!;
        Assert.Equal(JsonNode.Parse("""{"content":"198.51.100.10","ttl":300,"proxied":true}"""), change["before"], JsonNode.DeepEquals);
        Assert.Equal(JsonNode.Parse("""{"content":"198.51.100.20","ttl":60,"proxied":false}"""), change["after"], JsonNode.DeepEquals);
        // The wait read the change back (no nameservers configured) after the PATCH, and timed it.
        Assert.Equal("api", failover["propagation"]!["method"]!.GetValue<string>());
        var readBack = bed.Http.Requests.Last(r => r.Method == "GET" && r.Path.EndsWith($"/dns_records/{bed.AppRecordId}", StringComparison.Ordinal));
        Assert.True(bed.Http.Requests.ToList().IndexOf(readBack) > bed.Http.Requests.ToList().IndexOf(patch), "the wait reads the record after changing it");
        // The previous values were in the audit trail before the change was sent.
        var saved = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action == "dns.switch");
        Assert.Equal("A app.leopass.test: 198.51.100.10 (ttl 300, proxied) → 198.51.100.20 (ttl 60, not proxied)", saved.Reason);

        await node.Operations.ApproveAsync(runId, "reopen", "checked by hand", "responder");
        var done = await node.WaitForAsync(runId, null, RunState.Succeeded, RunState.Halted);
        wall.Stop();
        Assert.Equal(RunState.Succeeded, done.State);

        // The failback put back content, TTL and proxied flag — the record is again exactly what it was.
        var patches = FakeCloudflareDns.Patches(bed.Http);
        Assert.Equal(2, patches.Count);
        Assert.Equal(JsonNode.Parse("""{"content":"198.51.100.10","ttl":300,"proxied":true}"""), JsonNode.Parse(patches[1].Body), JsonNode.DeepEquals);
        Assert.True(JsonNode.DeepEquals(original, bed.Dns.Get(bed.AppRecordId)), $"expected {original}, found {bed.Dns.Get(bed.AppRecordId)}");

        // The report: the check, the failover with its propagation, the failback, each timed; the RTO holds the first three.
        var report = await node.Reports.BuildAsync(runId);
        var journal = await node.Queries.JournalAsync(runId);
        foreach (var a in journal) output.WriteLine($"{a.StepId} #{a.Number} {a.Outcome} {a.Duration?.TotalSeconds:0.000} s");
        output.WriteLine(LeoPass.Recovery.Runbook.Reporting.RunReportMarkdown.Render(report));
        var propagation = report.Dns!.PropagationSeconds!.Value;
        var failoverWork = report.Steps.Single(s => s.Id == "failover").WorkSeconds;
        Assert.InRange(propagation, 0, failoverWork);
        Assert.True(report.Steps.Single(s => s.Id == "check").CountsTowardRto && report.Steps.Single(s => s.Id == "failover").CountsTowardRto);
        Assert.False(report.Steps.Single(s => s.Id == "failback").CountsTowardRto);
        Assert.True(report.RtoSeconds <= wall.Elapsed.TotalSeconds, $"RTO {report.RtoSeconds} s is more than the {wall.Elapsed.TotalSeconds} s the test measured");
        var record = Assert.Single(report.Dns.Records);
        Assert.Equal(("A app.leopass.test", "198.51.100.10 (ttl 300, proxied)", "198.51.100.20 (ttl 60, not proxied)", "put back"),
            (record.Record, record.Before, record.After, record.Now));
        var markdown = LeoPass.Recovery.Runbook.Reporting.RunReportMarkdown.Render(report);
        Assert.Contains("| DNS propagation (inside step failover) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| A app.leopass.test | 198.51.100.10 (ttl 300, proxied) | 198.51.100.20 (ttl 60, not proxied) | put back |", markdown, StringComparison.Ordinal);
        Assert.Contains("target-reachable", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_changed_by_someone_else_after_the_failover_makes_the_failback_halt_naming_it_without_touching_it()
    {
        await using var bed = await PreparedBedAsync();
        var node = await bed.StartEngineAsync();
        var runId = await RunToTheReopenGateAsync(node);
        // Someone moves the name elsewhere by hand while the rehearsal waits at the gate.
        bed.Dns.Edit(bed.AppRecordId, "203.0.113.99");

        await node.Operations.ApproveAsync(runId, "reopen", "checked by hand", "responder");
        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);

        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "failback").State);
        Assert.Contains("A app.leopass.test (record rec0001) was changed by someone else since the failover: it says 203.0.113.99, the failover wrote 198.51.100.20", halted.HaltReason, StringComparison.Ordinal);
        Assert.Contains("failback changed nothing", halted.HaltReason, StringComparison.Ordinal);
        // Only the failover's change was ever sent: the record keeps the value someone else set.
        Assert.Single(FakeCloudflareDns.Patches(bed.Http));
        Assert.Equal("203.0.113.99", bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
        // Not retried automatically: a person has to decide which value is right.
        Assert.Equal(1, halted.Steps.Single(s => s.StepId == "failback").Attempts);
    }

    [Fact]
    public async Task A_failed_validation_halts_before_the_failover_and_an_abort_then_reopens_traffic_without_touching_dns()
    {
        await using var bed = await PreparedBedAsync();
        bed.Variables["SMOKE_TEST_COMMANDS"] = "echo 'smoke: login failed' >&2; exit 1";
        var node = await bed.StartEngineAsync();
        var runId = await node.StartAsync("dr-rehearsal");
        await node.WaitForAsync(runId, null, RunState.WaitingForApproval);
        await node.Operations.ApproveAsync(runId, "restore", "restore point checked", "responder");

        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "validate").State);
        Assert.Equal(StepState.Pending, halted.Steps.Single(s => s.StepId == "failover").State);
        Assert.DoesNotContain(bed.Http.Requests, r => r.Path.Contains("/dns_records", StringComparison.Ordinal));

        await node.Operations.AbortAsync(runId, "validation failed, rehearsal over", "responder");
        var undone = await WaitForUndoAsync(node, runId);
        // The undo list: the failback finds no failover to undo; the reopen undoes the quarantine.
        Assert.Equal(StepState.Skipped, undone.Steps.Single(s => s.StepId == "failback").State);
        Assert.Equal(StepState.Succeeded, undone.Steps.Single(s => s.StepId == "reopen").State);
        Assert.Single(bed.Http.Requests, r => r.Method == "DELETE" && r.Path.EndsWith("/rules/maint-rule-42", StringComparison.Ordinal));
        Assert.DoesNotContain(bed.Http.Requests, r => r.Path.Contains("/dns_records", StringComparison.Ordinal));
        Assert.Equal(RunbookTestBed.PrimaryAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_abort_after_the_failover_runs_the_failback_and_the_reopen_from_the_definitions_undo_list()
    {
        await using var bed = await PreparedBedAsync();
        var original = bed.Dns.Get(bed.AppRecordId);
        var node = await bed.StartEngineAsync();
        var runId = await RunToTheReopenGateAsync(node);
        Assert.Equal(RunbookTestBed.StandbyAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());

        await node.Operations.AbortAsync(runId, "staging is needed for a release", "responder");
        var undone = await WaitForUndoAsync(node, runId);

        Assert.Equal(RunState.Aborted, undone.State);
        Assert.Equal(StepState.Succeeded, undone.Steps.Single(s => s.StepId == "failback").State);
        Assert.Equal(StepState.Succeeded, undone.Steps.Single(s => s.StepId == "reopen").State);
        Assert.True(JsonNode.DeepEquals(original, bed.Dns.Get(bed.AppRecordId)), $"expected {original}, found {bed.Dns.Get(bed.AppRecordId)}");
        Assert.Equal(2, FakeCloudflareDns.Patches(bed.Http).Count);
        Assert.Single(bed.Http.Requests, r => r.Method == "DELETE" && r.Path.EndsWith("/rules/maint-rule-42", StringComparison.Ordinal));
        // Journaled like any attempt, after the abort, with no gate asked.
        var journal = await node.Queries.JournalAsync(runId);
        var abortedAt = (await node.Queries.AuditAsync(runId)).Single(a => a.Action == "run.abort").At;
        Assert.All(journal.Where(a => a.StepId is "failback" or "reopen"), a => Assert.True(a.StartedAt >= abortedAt));
        var ended = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action == "run.undo-ended");
        Assert.Equal("failback: succeeded; reopen: succeeded", ended.Reason);
        var report = await node.Reports.BuildAsync(runId);
        Assert.Contains("run.undo-ended", report.OperatorNotes[^1], StringComparison.Ordinal);
        // The undo's reopen restored no service: the RTO is not measured until it.
        Assert.Equal("validation passed", report.RtoMeasuredUntil);
        Assert.True(report.RtoSeconds <= (abortedAt - undone.StartedAt!.Value).TotalSeconds, $"RTO {report.RtoSeconds} s reaches past the abort");
        Assert.Equal("put back", Assert.Single(report.Dns!.Records).Now);
    }

    [Fact]
    public async Task A_step_after_the_failover_halting_then_an_abort_still_fails_back_and_one_undo_failing_does_not_stop_the_other()
    {
        await using var bed = await PreparedBedAsync();
        var original = bed.Dns.Get(bed.AppRecordId);
        var node = await bed.StartEngineAsync();
        var runId = await RunToTheReopenGateAsync(node);
        // Cloudflare refuses to delete the maintenance rule (a token without WAF edit): the reopen halts the run.
        var cloudflare = bed.Http.Handler!;
        bed.Http.Handler = r => r.Method == "DELETE"
            ? (403, """{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}""")
            : cloudflare(r);

        await node.Operations.ApproveAsync(runId, "reopen", "checked by hand", "responder");
        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "reopen").State);
        Assert.Equal(RunbookTestBed.StandbyAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());

        await node.Operations.AbortAsync(runId, "rehearsal over, lift the rule by hand", "responder");
        var undone = await WaitForUndoAsync(node, runId);

        Assert.Equal(StepState.Succeeded, undone.Steps.Single(s => s.StepId == "failback").State);
        Assert.True(JsonNode.DeepEquals(original, bed.Dns.Get(bed.AppRecordId)), $"expected {original}, found {bed.Dns.Get(bed.AppRecordId)}");
        Assert.Equal(StepState.Failed, undone.Steps.Single(s => s.StepId == "reopen").State);
        var ended = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action == "run.undo-ended");
        Assert.StartsWith("failback: succeeded; reopen: failed: Cloudflare refused to delete the maintenance rule: 403 Authentication error", ended.Reason, StringComparison.Ordinal);
        Assert.Equal(2, bed.Http.Requests.Count(r => r.Method == "DELETE"));
    }

    /// <summary>A backup, the production switches on the recording server, and the application's record proxied with a 300 s TTL.</summary>
    internal static async Task<RunbookTestBed> PreparedBedAsync()
    {
        var bed = await RunbookTestBed.CreateAsync(rows: 500);
        bed.ConfigureProductionSwitches();
        bed.Dns.Set(bed.AppRecordId, ttl: 300, proxied: true);
        bed.Variables["DNS_FAILOVER_RECORDS"] = $$"""[{"name":"{{RunbookTestBed.AppName}}","type":"A","content":"{{RunbookTestBed.StandbyAddress}}","ttl":60,"proxied":false}]""";
        await bed.BackupAsync();
        return bed;
    }

    /// <summary>Starts dr-rehearsal, approves the restore, and waits at the gate before the reopen (the failover is done then).</summary>
    internal static async Task<long> RunToTheReopenGateAsync(EngineNode node)
    {
        var runId = await node.StartAsync("dr-rehearsal");
        var atRestore = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.True(atRestore.Steps.Single(s => s.StepId == "restore").State == StepState.WaitingForApproval, $"expected the restore gate: {atRestore.HaltReason}");
        await node.Operations.ApproveAsync(runId, "restore", "restore point checked", "responder");
        var atReopen = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.True(atReopen.Steps.Single(s => s.StepId == "reopen").State == StepState.WaitingForApproval, $"expected the reopen gate: {atReopen.HaltReason}");
        Assert.Equal(StepState.Succeeded, atReopen.Steps.Single(s => s.StepId == "failover").State);
        return runId;
    }

    internal static async Task<JsonObject> StepOutputAsync(EngineNode node, long runId, string stepId) =>
        JsonNode.Parse((await node.Queries.GetAsync(runId)).Steps.Single(s => s.StepId == stepId).Output!)!.AsObject();

    /// <summary>Waits until the abort's undo steps have ended (the run.undo-ended audit record).</summary>
    internal static async Task<Run> WaitForUndoAsync(EngineNode node, long runId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if ((await node.Queries.AuditAsync(runId)).Any(a => a.Action == "run.undo-ended")) return await node.Queries.GetAsync(runId);
            await Task.Delay(100);
        }
        var run = await node.Queries.GetAsync(runId);
        throw new TimeoutException($"the undo of run {runId} did not end: {string.Join(", ", run.Steps.Select(s => $"{s.StepId}={s.State}:{s.Error}"))}");
    }
}
