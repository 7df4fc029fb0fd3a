using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Tests.Support;

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
}
