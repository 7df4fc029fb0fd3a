using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Engine.Tests.Execution;

public sealed class GateTests
{
    [Fact]
    public async Task A_gate_waits_and_its_waiting_time_is_recorded_apart_from_work_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        await using var engine = await EngineHarness.StartAsync(clock);
        await engine.PublishAsync(Definition("gated",
            Step("prepare", "test.advance-clock", new() { ["by"] = "PT5M" }),
            Step("restore", "test.advance-clock", new() { ["by"] = "PT20M" }).WithGate("before", "Restore into the target now?"),
            Step("check", "test.advance-clock", new() { ["by"] = "PT1M" }).WithGate("after", "Does the app work?")));
        var runId = await engine.StartRunAsync("gated");

        var waiting = await engine.WaitForAsync(runId, RunState.WaitingForApproval);
        Assert.Equal(StepState.WaitingForApproval, waiting.Steps[1].State);
        Assert.Equal("before", waiting.Steps[1].WaitingAtGate);
        clock.Advance(TimeSpan.FromMinutes(45));
        await engine.Operations.ApproveAsync(runId, "restore", "go", "dave");

        await engine.WaitForStepAsync(runId, "check", StepState.WaitingForApproval);
        clock.Advance(TimeSpan.FromMinutes(10));
        await engine.Operations.ApproveAsync(runId, "check", null, "dave");
        var run = await engine.WaitForAsync(runId, RunState.Succeeded);

        var restore = run.Steps.Single(s => s.StepId == "restore");
        Assert.Equal(TimeSpan.FromMinutes(45), restore.WaitingTime);
        Assert.Equal(TimeSpan.FromMinutes(20), restore.WorkTime);
        Assert.Equal(TimeSpan.FromMinutes(10), run.Steps.Single(s => s.StepId == "check").WaitingTime);
        var journal = await engine.Queries.JournalAsync(runId);
        var restoreAttempt = journal.Single(a => a.StepId == "restore");
        Assert.Equal(TimeSpan.FromMinutes(20), restoreAttempt.Duration);
        Assert.Equal(TimeSpan.FromMinutes(45), restoreAttempt.WaitingTime);
        Assert.Equal(TimeSpan.FromMinutes(10), journal.Single(a => a.StepId == "check").WaitingTime);
        // Work plus waiting is exactly the run's wall time on a fake clock.
        var total = journal.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Duration!.Value + a.WaitingTime);
        Assert.Equal(run.WallTime, total);
    }

    [Fact]
    public async Task Rejecting_a_gate_halts_the_run_and_retry_asks_again()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("reject", Noop("a"), Noop("reopen").WithGate("before", "Reopen traffic?")));
        var runId = await engine.StartRunAsync("reject");
        await engine.WaitForAsync(runId, RunState.WaitingForApproval);

        await Assert.ThrowsAsync<LeoPass.Recovery.Engine.Runs.InvalidRunRequestException>(() => engine.Operations.RejectAsync(runId, "reopen", "", "erin"));
        await engine.Operations.RejectAsync(runId, "reopen", "smoke tests still red", "erin");
        var halted = await engine.WaitForAsync(runId, RunState.Halted);
        Assert.Contains("smoke tests still red", halted.HaltReason, StringComparison.Ordinal);

        await engine.Operations.RetryAsync(runId, "erin");
        await engine.WaitForAsync(runId, RunState.WaitingForApproval);
        await engine.Operations.ApproveAsync(runId, "reopen", "green now", "erin");
        await engine.WaitForAsync(runId, RunState.Succeeded);
        Assert.Single(await engine.Queries.JournalAsync(runId), a => a.StepId == "reopen");
    }
}
