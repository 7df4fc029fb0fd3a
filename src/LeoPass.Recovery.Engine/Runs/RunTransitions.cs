using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Runs;

/// <summary>The run state machine (DESIGN §5): Pending → Running → (WaitingForApproval ⇄ Running) → Succeeded | Halted | Aborted; Halted → Running on retry, skip or resume.</summary>
public static class RunTransitions
{
    private static readonly TransitionTable<RunState, RunOperation> Table = new TransitionTable<RunState, RunOperation>()
        .Allow(RunState.Pending, RunOperation.Start, RunState.Running)
        .Allow(RunState.Pending, RunOperation.Abort, RunState.Aborted)
        .Allow(RunState.Running, RunOperation.WaitForApproval, RunState.WaitingForApproval)
        .Allow(RunState.Running, RunOperation.Halt, RunState.Halted)
        .Allow(RunState.Running, RunOperation.Complete, RunState.Succeeded)
        .Allow(RunState.Running, RunOperation.Abort, RunState.Aborted)
        .Allow(RunState.WaitingForApproval, RunOperation.Approve, RunState.Running)
        .Allow(RunState.WaitingForApproval, RunOperation.Reject, RunState.Halted)
        .Allow(RunState.WaitingForApproval, RunOperation.Abort, RunState.Aborted)
        .Allow(RunState.Halted, RunOperation.Retry, RunState.Running)
        .Allow(RunState.Halted, RunOperation.Skip, RunState.Running)
        .Allow(RunState.Halted, RunOperation.Resume, RunState.Running)
        .Allow(RunState.Halted, RunOperation.Abort, RunState.Aborted);

    /// <summary>Moves the run, or throws <see cref="IllegalTransitionException"/> naming its state and when the operation is allowed.</summary>
    public static void Apply(RunRecord run, RunOperation operation)
    {
        var machine = Table.Machine(() => run.State, s => run.State = s, (state, trigger) => Refusal(run.Id, state, trigger));
        machine.Fire(operation);
    }

    public static bool CanApply(RunRecord run, RunOperation operation) => Table.TriggersFrom(run.State).Contains(operation);

    public static IReadOnlyList<RunOperation> AllowedNow(RunState state) => Table.TriggersFrom(state);

    /// <summary>What a responder may ask of a run in this state, as the CLI and the API name it: retry, resume, skip, abort, approve, reject.</summary>
    public static IReadOnlyList<string> ResponderOperationsNow(RunState state) =>
        Table.TriggersFrom(state).Where(IsResponderOperation).Select(OperationNames.Of).ToList();

    public static IllegalTransitionException Refusal(long runId, RunState state, RunOperation operation) => new(
        $"run {runId}",
        state.ToString(),
        OperationNames.Of(operation),
        Table.SourcesOf(operation).Select(s => s.ToString()).ToList(),
        ResponderOperationsNow(state));

    /// <summary>What a person can ask for; the others are the engine's own moves.</summary>
    public static bool IsResponderOperation(RunOperation operation) =>
        operation is RunOperation.Approve or RunOperation.Reject or RunOperation.Retry or RunOperation.Skip or RunOperation.Resume or RunOperation.Abort;
}
