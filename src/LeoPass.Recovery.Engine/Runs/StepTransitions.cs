using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Runs;

/// <summary>The step state machine. A step waits at a gate before it starts or after it succeeded; approving the first lets it start, approving the second completes it.</summary>
public static class StepTransitions
{
    private static TransitionTable<StepState, StepOperation> BuildTable(StepRecord step) => new TransitionTable<StepState, StepOperation>()
        .Allow(StepState.Pending, StepOperation.Start, StepState.Running)
        .Allow(StepState.Pending, StepOperation.Skip, StepState.Skipped)
        .Allow(StepState.Pending, StepOperation.WaitForApproval, StepState.WaitingForApproval)
        .Allow(StepState.Running, StepOperation.Succeed, StepState.Succeeded)
        .Allow(StepState.Succeeded, StepOperation.Rewind, StepState.Pending)
        .Allow(StepState.Running, StepOperation.Fail, StepState.Failed)
        .Allow(StepState.Running, StepOperation.Interrupt, StepState.Pending)
        .Allow(StepState.Running, StepOperation.WaitForApproval, StepState.WaitingForApproval)
        .Allow(StepState.Failed, StepOperation.Start, StepState.Running)
        .Allow(StepState.Failed, StepOperation.Retry, StepState.Pending)
        .Allow(StepState.Failed, StepOperation.Skip, StepState.Skipped)
        .AllowDynamic(StepState.WaitingForApproval, StepOperation.Approve, () => step.GatePhase == GatePhase.After ? StepState.Succeeded : StepState.Pending)
        .Allow(StepState.WaitingForApproval, StepOperation.Reject, StepState.Failed);

    private static readonly TransitionTable<StepState, StepOperation> Explain = BuildTable(new StepRecord());

    public static void Apply(StepRecord step, StepOperation operation)
    {
        var machine = BuildTable(step).Machine(() => step.State, s => step.State = s, (state, trigger) => Refusal(step, state, trigger));
        machine.Fire(operation);
    }

    public static bool CanApply(StepRecord step, StepOperation operation) => Explain.TriggersFrom(step.State).Contains(operation);

    public static IllegalTransitionException Refusal(StepRecord step, StepState state, StepOperation operation) => new(
        $"step '{step.StepId}' of run {step.RunId}",
        state.ToString(),
        OperationNames.Of(operation),
        Explain.SourcesOf(operation).Select(s => s.ToString()).ToList(),
        Explain.TriggersFrom(state).Where(o => o is StepOperation.Approve or StepOperation.Reject or StepOperation.Retry or StepOperation.Skip).Select(OperationNames.Of).ToList());
}
