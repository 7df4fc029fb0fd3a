using System.Diagnostics;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook.Tests.Failover;

/// <summary>
/// DNS_CHECK_NAMESERVERS against a real authoritative server (dnsmasq) started by the test: the
/// failover's wait goes on while the nameserver still answers the primary — although the API
/// already says the standby — and ends only when its answer changes; the failback waits the same way.
/// </summary>
public sealed class NameserverPropagationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task The_failover_waits_until_the_nameserver_answers_the_standby_and_not_a_moment_before()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 100);
        bed.ConfigureProductionSwitches();
        await using var nameserver = await Dnsmasq.StartAsync("leopass.test", new Dictionary<string, string> { [RunbookTestBed.AppName] = RunbookTestBed.PrimaryAddress });
        bed.Variables["DNS_CHECK_NAMESERVERS"] = nameserver.Address;
        bed.Variables["DNS_PROPAGATION_TIMEOUT"] = "PT3M";
        var original = bed.Dns.Get(bed.AppRecordId);
        var node = await bed.StartEngineAsync();
        var definition = await PublishFailoverAndFailbackAsync(node);

        var runId = await node.StartAsync(definition);
        // The API has the standby as soon as the failover sent it ...
        await bed.Http.WaitForAsync(r => r.Method == "PATCH", timeout: TimeSpan.FromSeconds(60));
        var switchedAt = Stopwatch.StartNew();
        Assert.Equal(RunbookTestBed.StandbyAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
        // ... but the nameserver still answers the primary: asked again and again, the wait goes on.
        var asked = nameserver.QueriesFor(RunbookTestBed.AppName);
        await WaitUntilAsync(() => nameserver.QueriesFor(RunbookTestBed.AppName) >= asked + 3, "the failover to ask the nameserver three more times");
        var waiting = await node.Queries.GetAsync(runId);
        Assert.Equal(RunState.Running, waiting.State);
        Assert.Equal(StepState.Running, waiting.Steps.Single(s => s.StepId == "failover").State);
        Assert.Single(FakeCloudflareDns.Patches(bed.Http));

        // The zone's new data reaches the nameserver: from now on every change is published at once.
        bed.Dns.Changed = (name, content) => nameserver.PublishAsync(new Dictionary<string, string> { [name] = content }).GetAwaiter().GetResult();
        var heldFor = switchedAt.Elapsed;
        await nameserver.PublishAsync(new Dictionary<string, string> { [RunbookTestBed.AppName] = RunbookTestBed.StandbyAddress });
        var done = await node.WaitForAsync(runId, TimeSpan.FromMinutes(2), RunState.Succeeded, RunState.Halted);
        switchedAt.Stop();
        Assert.Equal(RunState.Succeeded, done.State);

        var failover = JsonNode.Parse(done.Steps.Single(s => s.StepId == "failover").Output!)!;
        var propagation = failover["propagation"]!;
        output.WriteLine($"held {heldFor.TotalSeconds:0.000} s; propagation {propagation.ToJsonString()}");
        Assert.Equal("nameservers", propagation["method"]!.GetValue<string>());
        Assert.Equal(nameserver.Address, propagation["nameservers"]![0]!.GetValue<string>());
        Assert.Equal("nameservers", propagation["records"]![0]!["checkedBy"]!.GetValue<string>());
        // Timed from just before the change was sent until the answer changed: at least as long as the test held the nameserver back.
        var seconds = propagation["seconds"]!.GetValue<double>();
        Assert.InRange(seconds, heldFor.TotalSeconds, switchedAt.Elapsed.TotalSeconds + 1);
        // The failback put the record back exactly and waited for the nameserver to answer the primary again.
        Assert.True(JsonNode.DeepEquals(original, bed.Dns.Get(bed.AppRecordId)), $"expected {original}, found {bed.Dns.Get(bed.AppRecordId)}");
        var failback = JsonNode.Parse(done.Steps.Single(s => s.StepId == "failback").Output!)!;
        Assert.Equal("nameservers", failback["propagation"]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failover_that_timed_out_after_switching_remembers_the_original_and_an_abort_fails_back_from_the_audit_trail()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 100);
        bed.ConfigureProductionSwitches();
        await using var nameserver = await Dnsmasq.StartAsync("leopass.test", new Dictionary<string, string> { [RunbookTestBed.AppName] = RunbookTestBed.PrimaryAddress });
        bed.Variables["DNS_CHECK_NAMESERVERS"] = nameserver.Address;
        bed.Variables["DNS_PROPAGATION_TIMEOUT"] = "2";
        var original = bed.Dns.Get(bed.AppRecordId);
        var node = await bed.StartEngineAsync();
        var definition = await PublishFailoverAndFailbackAsync(node, failoverAttempts: 2, undoOnAbort: true);

        // The nameserver never sees the change: both attempts time out, the second finding the record already switched.
        var runId = await node.StartAsync(definition);
        var halted = await node.WaitForAsync(runId, TimeSpan.FromMinutes(2), RunState.Halted, RunState.Succeeded);
        var step = halted.Steps.Single(s => s.StepId == "failover");
        Assert.Equal((StepState.Failed, 2), (step.State, step.Attempts));
        Assert.Contains($"DNS change not visible within DNS_PROPAGATION_TIMEOUT (2 s, checked by nameservers): A app.leopass.test should be 198.51.100.20: {nameserver.Address} answers 198.51.100.10", halted.HaltReason, StringComparison.Ordinal);
        Assert.Single(FakeCloudflareDns.Patches(bed.Http));
        Assert.Equal(RunbookTestBed.StandbyAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
        // What the record said before any attempt switched it was committed before the change.
        var saved = Assert.Single(await node.Queries.AuditAsync(runId), a => a.Action == "dns.switch");
        Assert.StartsWith("A app.leopass.test: 198.51.100.10 (ttl 300, not proxied) →", saved.Reason, StringComparison.Ordinal);

        // The failover has no output; the abort's failback finds the change in the audit trail and puts the record back.
        bed.Dns.Changed = (name, content) => nameserver.PublishAsync(new Dictionary<string, string> { [name] = content }).GetAwaiter().GetResult();
        await node.Operations.AbortAsync(runId, "the standby is not answering", "responder");
        var undone = await DnsFailoverTests.WaitForUndoAsync(node, runId);
        Assert.Equal(StepState.Succeeded, undone.Steps.Single(s => s.StepId == "failback").State);
        Assert.True(JsonNode.DeepEquals(original, bed.Dns.Get(bed.AppRecordId)), $"expected {original}, found {bed.Dns.Get(bed.AppRecordId)}");
        Assert.Equal(2, FakeCloudflareDns.Patches(bed.Http).Count);
        var report = await node.Reports.BuildAsync(runId);
        Assert.Equal(("198.51.100.10 (ttl 300, not proxied)", "put back"), (report.Dns!.Records[0].Before, report.Dns.Records[0].Now));
        Assert.Null(report.Dns.PropagationSeconds);
    }

    /// <summary>A definition of just the two DNS steps, published beside the shipped ones.</summary>
    private static async Task<string> PublishFailoverAndFailbackAsync(EngineNode node, int failoverAttempts = 1, bool undoOnAbort = false)
    {
        var id = "dns-only-" + Guid.NewGuid().ToString("N")[..8];
        var json = new JsonObject
        {
            ["id"] = id,
            ["version"] = 1,
            ["title"] = "DNS failover and failback only",
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "failover", ["activity"] = "runbook.failover-dns", ["timeout"] = "PT5M",
                    ["retry"] = new JsonObject { ["maxAttempts"] = failoverAttempts, ["delay"] = "PT0S" },
                },
                new JsonObject { ["id"] = "failback", ["activity"] = "runbook.failback-dns", ["timeout"] = "PT5M" }),
        };
        if (undoOnAbort) json["onAbort"] = new JsonObject { ["undo"] = new JsonArray("failback") };
        var loaded = node.Services.GetRequiredService<DefinitionLoader>().Parse(json.ToJsonString(), "test.json");
        await node.Services.GetRequiredService<DefinitionCatalog>().PublishAsync(loaded, "test");
        return id;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 60 s for {what}");
            await Task.Delay(100);
        }
    }
}
