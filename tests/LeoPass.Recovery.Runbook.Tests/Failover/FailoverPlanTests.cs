using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Runbook.Dns;
using LeoPass.Recovery.Runbook.Infrastructure;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeoPass.Recovery.Runbook.Tests.Failover;

/// <summary>
/// The dry-run plans of the three failover activities (IActivityPlanner): each names what it would
/// do — every DNS change with its values, every check with what it finds now — and touches nothing:
/// no DNS record changed, no database created, nothing journaled.
/// </summary>
public sealed class FailoverPlanTests
{
    [Fact]
    public async Task The_failover_plan_names_each_record_change_and_the_wait_and_changes_nothing()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 100);
        bed.ConfigureProductionSwitches();
        bed.Variables["DNS_CHECK_NAMESERVERS"] = "192.0.2.53, ns2.example.net:5353";
        var node = await bed.StartEngineAsync(executesRuns: false);

        var plan = await PlanAsync<FailoverDnsActivity>(node, "failover");

        Assert.Equal(
        [
            $"would change A app.leopass.test (record {bed.AppRecordId}, zone {RunbookTestBed.ZoneId}) from 198.51.100.10 (ttl 300, not proxied) to 198.51.100.20 (ttl 60, not proxied), remembering the old values for the failback",
            "would wait up to 300 s until nameservers 192.0.2.53, ns2.example.net:5353 all answer the new content (proxied records: the API reads them back), and time it (the DNS propagation row of the RTO)",
        ], plan.Actions);
        var change = Assert.Single(plan.ExpectedOutput!["records"]!.AsArray())!;
        Assert.Equal("198.51.100.10", change["before"]!["content"]!.GetValue<string>());
        Assert.Equal("198.51.100.20", change["after"]!["content"]!.GetValue<string>());
        // It read the zone, and changed nothing in it.
        Assert.NotEmpty(bed.Http.Requests);
        Assert.All(bed.Http.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Equal(RunbookTestBed.PrimaryAddress, bed.Dns.Get(bed.AppRecordId)["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_failback_plan_reads_the_failover_plan_and_names_what_it_would_put_back_without_calling_cloudflare()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 100);
        bed.ConfigureProductionSwitches();
        var node = await bed.StartEngineAsync(executesRuns: false);
        var failover = await PlanAsync<FailoverDnsActivity>(node, "failover");
        bed.Http.Handler = _ => throw new InvalidOperationException("the failback plan must not call Cloudflare");
        var before = bed.Http.Requests.Count;

        var plan = await PlanAsync<FailbackDnsActivity>(node, "failback", new Dictionary<string, JsonObject> { ["failover"] = failover.ExpectedOutput! });

        Assert.Equal(
            $"would put A app.leopass.test (record {bed.AppRecordId}, zone {RunbookTestBed.ZoneId}) back to 198.51.100.10 (ttl 300, not proxied) if it still says 198.51.100.20; a record changed by someone else is left alone and the step halts naming it",
            plan.Actions[0]);
        Assert.Equal("would wait up to 300 s until the Cloudflare API reads the new values back", plan.Actions[1]);
        Assert.Equal(before, bed.Http.Requests.Count);

        var nothing = await PlanAsync<FailbackDnsActivity>(node, "failback");
        Assert.Equal(["would put back what step 'failover' changes; its plan names no DNS record, so nothing"], nothing.Actions);
    }

    [Fact]
    public async Task The_check_plan_runs_the_read_only_checks_and_says_what_each_finds_now_creating_nothing()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 100);
        var key = await bed.BackupAsync();
        bed.Variables["RESTORE_SPACE_MARGIN"] = "3";
        var node = await bed.StartEngineAsync(executesRuns: false);

        var plan = await PlanAsync<CheckInfrastructureActivity>(node, "check");

        Assert.Equal(7, plan.Actions.Count);
        Assert.StartsWith("would check target-reachable — now passes: ", plan.Actions[0], StringComparison.Ordinal);
        Assert.StartsWith("would check target-can-create-databases — now passes", plan.Actions[1], StringComparison.Ordinal);
        Assert.StartsWith("would check target-major-version — now passes: target PostgreSQL 15 ≥ the dump's source PostgreSQL 15", plan.Actions[2], StringComparison.Ordinal);
        Assert.StartsWith("would check pg-restore-major-version — now passes", plan.Actions[3], StringComparison.Ordinal);
        Assert.Contains("× RESTORE_SPACE_MARGIN 3); the target's data directory ", plan.Actions[4], StringComparison.Ordinal);
        Assert.StartsWith("would check work-directory-free-space — now passes", plan.Actions[5], StringComparison.Ordinal);
        Assert.Equal("would let the run go on", plan.Actions[6]);
        Assert.Equal(key, plan.ExpectedOutput!["restorePoint"]!.GetValue<string>());
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName));

        bed.Variables["TARGET_DATABASE_URL"] = null;
        var unset = await PlanAsync<CheckInfrastructureActivity>(await bed.StartEngineAsync(executesRuns: false), "check");
        Assert.Equal(["cannot check the standby: TARGET_DATABASE_URL is not set"], unset.Actions);
    }

    /// <summary>The plan of a step, with a context as the engine builds one for a dry run: no run exists, nothing may be journaled.</summary>
    private static async Task<ActivityPlan> PlanAsync<T>(EngineNode node, string stepId, IReadOnlyDictionary<string, JsonObject>? outputs = null) where T : IActivity, IActivityDeclaration, IActivityPlanner
    {
        await using var scope = node.Services.CreateAsyncScope();
        var activity = scope.ServiceProvider.GetRequiredService<T>();
        var defaults = new JsonObject();
        foreach (var p in T.Descriptor.Parameters.Where(p => p.Default is not null)) defaults[p.Name] = p.Default!.DeepClone();
        var context = new ActivityContext(
            new ActivityAttemptIdentity(0, "dry-run", 1, stepId, 1, "test"),
            new ActivityParameters(stepId, defaults),
            outputs ?? new Dictionary<string, JsonObject>(),
            (note, _) => throw new InvalidOperationException($"a plan journaled an intent: {note}"),
            NullLogger.Instance,
            TimeProvider.System,
            scope.ServiceProvider);
        return await activity.PlanAsync(context, CancellationToken.None);
    }
}
