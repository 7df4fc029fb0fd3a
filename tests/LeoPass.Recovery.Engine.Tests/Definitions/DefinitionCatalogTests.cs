using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Engine.Tests.Definitions;

public sealed class DefinitionCatalogTests
{
    [Fact]
    public async Task Publishing_changed_content_under_the_same_version_is_refused()
    {
        await using var engine = await EngineHarness.StartAsync();
        var first = await engine.PublishAsync(Definition("pinned", 1, Noop("a")));
        var again = await engine.PublishAsync(Definition("pinned", 1, Noop("a")));
        Assert.Equal(first.Id, again.Id);

        var e = await Assert.ThrowsAsync<DefinitionVersionConflictException>(() => engine.PublishAsync(Definition("pinned", 1, Noop("a"), Noop("b"))));
        Assert.Contains("version 1 is already published", e.Message, StringComparison.Ordinal);
        Assert.Contains("raise \"version\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_pins_the_definition_version_it_started_with()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("evolving", 1, Step("gate", "diagnostics.noop").WithGate("before"), Noop("v1-only")));
        var runId = await engine.StartRunAsync("evolving");
        await engine.WaitForAsync(runId, RunState.WaitingForApproval);

        await engine.PublishAsync(Definition("evolving", 2, Noop("gate"), Noop("v2-only")));
        await engine.Operations.ApproveAsync(runId, "gate", null, "tester");
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);

        Assert.Equal(1, run.DefinitionVersion);
        Assert.Equal(["gate", "v1-only"], run.Steps.Select(s => s.StepId));
        var newer = await engine.WaitForAsync(await engine.StartRunAsync("evolving"), RunState.Succeeded);
        Assert.Equal(2, newer.DefinitionVersion);
    }

    [Fact]
    public async Task Nodes_publishing_the_same_version_at_once_store_it_once_and_all_get_that_version()
    {
        await using var engine = await EngineHarness.StartAsync();
        var json = Definition("raced", 1, Noop("a"));

        // Eight publishers released together, as nodes starting at the same moment with the same files.
        using var start = new ManualResetEventSlim();
        var publishers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => { start.Wait(); return await engine.PublishAsync(json); })).ToList();
        start.Set();
        var records = await Task.WhenAll(publishers);

        Assert.Single(records.Select(r => r.Id).Distinct());
        var db = await engine.Services.GetRequiredService<IDbContextFactory<EngineDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            Assert.Equal(1, await db.DefinitionVersions.CountAsync(d => d.DefinitionId == "raced"));
            Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "definition.publish" && a.Details!.StartsWith("raced v1")));
        }
    }
}
