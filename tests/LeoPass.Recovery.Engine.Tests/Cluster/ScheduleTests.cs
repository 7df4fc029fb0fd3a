using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using System.Globalization;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ScheduleTests
{
    /// <summary>A nightly-backup-like definition whose cron (6 fields, seconds first) fires once a day, <paramref name="ahead"/> from now.</summary>
    private static (string Json, DateTimeOffset FireAt) NightlyLike(TimeSpan ahead)
    {
        var fireAt = DateTimeOffset.UtcNow + ahead;
        fireAt = new DateTimeOffset(fireAt.Year, fireAt.Month, fireAt.Day, fireAt.Hour, fireAt.Minute, fireAt.Second, TimeSpan.Zero);
        var json = JsonNode.Parse(Definition("nightly-like", Noop("dump-upload"), Noop("verify"), Noop("prune")))!;
        json["trigger"] = new JsonObject
        {
            ["type"] = "cron",
            ["cron"] = string.Create(CultureInfo.InvariantCulture, $"{fireAt.Second} {fireAt.Minute} {fireAt.Hour} * * *"),
            ["timeZone"] = "UTC",
        };
        return (json.ToJsonString(), fireAt);
    }

    /// <summary>
    /// Stores the definition's trigger from the test's own (non-executing) engine, as the first
    /// node to start would, so the fire time does not depend on how fast servers start here.
    /// </summary>
    private static async Task StoreTriggerAsync(ClusterFixture cluster, string json)
    {
        var definition = cluster.Client.Services.GetRequiredService<DefinitionLoader>().Parse(json, "nightly-like.json").Definition;
        await cluster.Client.Services.GetRequiredService<CronTriggers>().SyncAsync([definition], _ => null, CancellationToken.None);
    }

    private static async Task<List<RunRecord>> CronRunsAsync(ClusterFixture cluster)
    {
        var factory = cluster.Client.Services.GetRequiredService<IDbContextFactory<EngineDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Runs.AsNoTracking().Where(r => r.Trigger == "cron").ToListAsync();
    }

    private static async Task<List<RunRecord>> WaitForCronRunsAsync(ClusterFixture cluster, DateTimeOffset until)
    {
        while (DateTimeOffset.UtcNow < until)
        {
            var runs = await CronRunsAsync(cluster);
            if (runs.Count > 0) return runs;
            await Task.Delay(200);
        }
        return await CronRunsAsync(cluster);
    }

    [Fact]
    public async Task A_cron_definition_fires_exactly_once_with_two_servers_up()
    {
        var (json, fireAt) = NightlyLike(TimeSpan.FromSeconds(15));
        await using var cluster = await ClusterFixture.CreateAsync(("nightly-like.json", json));
        await StoreTriggerAsync(cluster, json);
        await cluster.StartServersAsync(2);

        // On a loaded machine the servers may come up after the firing time: then the missed firing
        // runs once at start (the next test), so the wait counts from whichever is later.
        var upAt = DateTimeOffset.UtcNow;
        var runs = await WaitForCronRunsAsync(cluster, (upAt > fireAt ? upAt : fireAt) + TimeSpan.FromSeconds(20));
        Assert.True(runs.Count == 1, $"expected one cron run, saw {runs.Count}\n{cluster.ServerOutput()}");
        Assert.True(runs[0].CreatedAt >= fireAt - TimeSpan.FromSeconds(1), $"fired early: {runs[0].CreatedAt:O} < {fireAt:O}");
        await cluster.Client.WaitForAsync(runs[0].Id, RunState.Succeeded);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await CronRunsAsync(cluster);
        Assert.True(after.Count == 1, $"expected still one cron run, saw {after.Count}: {string.Join(", ", after.Select(r => $"{r.Id} {r.IdempotencyKey} {r.CreatedAt:O}"))}\n{cluster.ServerOutput()}");
    }

    [Fact]
    public async Task A_firing_missed_while_no_scheduler_was_up_runs_once_when_one_comes_up()
    {
        var (json, fireAt) = NightlyLike(TimeSpan.FromSeconds(5));
        await using var cluster = await ClusterFixture.CreateAsync(("nightly-like.json", json));
        await StoreTriggerAsync(cluster, json);
        while (DateTimeOffset.UtcNow < fireAt + TimeSpan.FromSeconds(3)) await Task.Delay(200);
        Assert.Empty(await CronRunsAsync(cluster));

        await cluster.StartServersAsync(2);

        var runs = await WaitForCronRunsAsync(cluster, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30));
        Assert.True(runs.Count == 1, $"expected one cron run, saw {runs.Count}\n{cluster.ServerOutput()}");
        await cluster.Client.WaitForAsync(runs[0].Id, RunState.Succeeded);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await CronRunsAsync(cluster);
        Assert.True(after.Count == 1, $"expected still one cron run, saw {after.Count}: {string.Join(", ", after.Select(r => $"{r.Id} {r.IdempotencyKey} {r.CreatedAt:O}"))}\n{cluster.ServerOutput()}");
    }
}
