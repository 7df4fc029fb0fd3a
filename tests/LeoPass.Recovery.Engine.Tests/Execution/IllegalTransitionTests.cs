using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Tests.Support;

namespace LeoPass.Recovery.Engine.Tests.Execution;

public sealed class IllegalTransitionTests
{
    [Fact]
    public void Retrying_a_running_run_is_refused_with_its_state_and_what_is_allowed()
    {
        var run = new RunRecord { Id = 42, State = RunState.Running };

        var e = Assert.Throws<IllegalTransitionException>(() => RunTransitions.Apply(run, RunOperation.Retry));

        Assert.Equal("run 42 is Running; retry is allowed only when it is Halted (allowed now: abort)", e.Message);
        Assert.Equal(RunState.Running, run.State);
    }

    [Fact]
    public void Approving_a_step_that_is_not_waiting_is_refused()
    {
        var step = new StepRecord { RunId = 7, StepId = "restore", State = StepState.Running };

        var e = Assert.Throws<IllegalTransitionException>(() => StepTransitions.Apply(step, StepOperation.Approve));

        Assert.StartsWith("step 'restore' of run 7 is Running; approve is allowed only when it is WaitingForApproval", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_runs_allow_nothing()
    {
        var run = new RunRecord { Id = 3, State = RunState.Succeeded };

        var e = Assert.Throws<IllegalTransitionException>(() => RunTransitions.Apply(run, RunOperation.Abort));

        Assert.Contains("abort is allowed only when it is Pending, Running, WaitingForApproval or Halted (nothing more can be done with it)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responder_operations_in_the_wrong_state_are_refused_and_change_nothing()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("states", Sleep("long", "PT30S")));
        var runId = await engine.StartRunAsync("states");
        await engine.WaitForStepAsync(runId, "long", StepState.Running);

        var retry = await Assert.ThrowsAsync<IllegalTransitionException>(() => engine.Operations.RetryAsync(runId, "frank"));
        Assert.StartsWith($"run {runId} is Running; retry is allowed only when it is Halted", retry.Message, StringComparison.Ordinal);
        var approve = await Assert.ThrowsAsync<IllegalTransitionException>(() => engine.Operations.ApproveAsync(runId, "long", null, "frank"));
        Assert.StartsWith($"run {runId} is Running; approve is allowed only when it is WaitingForApproval", approve.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => engine.Operations.RetryAsync(runId + 1000, "frank"));

        await engine.Operations.AbortAsync(runId, "test over", "frank");
        var skip = await Assert.ThrowsAsync<IllegalTransitionException>(() => engine.Operations.SkipAsync(runId, "long", "why not", "frank"));
        Assert.Contains("is Aborted", skip.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await engine.Queries.AuditAsync(runId), a => a.Action is "run.retry" or "run.skip" or "gate.approve");
    }

    [Fact]
    public async Task Skipping_a_completed_step_is_refused()
    {
        await using var engine = await EngineHarness.StartAsync();
        await engine.PublishAsync(Definition("done", Noop("ok"), FailUntil("bad", 0, 1)));
        var runId = await engine.StartRunAsync("done");
        await engine.WaitForAsync(runId, RunState.Halted);

        var e = await Assert.ThrowsAsync<IllegalTransitionException>(() => engine.Operations.SkipAsync(runId, "ok", "redo", "gina"));

        Assert.StartsWith($"step 'ok' of run {runId} is Succeeded; skip is allowed only when it is Pending or Failed", e.Message, StringComparison.Ordinal);
    }
}
