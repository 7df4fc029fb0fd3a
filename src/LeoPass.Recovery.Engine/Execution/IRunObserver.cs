using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// Told when a run stops needing the engine alone: it succeeded, halted (waiting for a
/// responder), waits at a gate, or was aborted. Register any number with
/// <c>services.AddSingleton&lt;IRunObserver, …&gt;()</c>; the backup module uses it to alert when
/// the nightly backup halts, since a halted run never reaches its own notify step.
/// </summary>
/// <remarks>
/// Called after the state change is committed, on the node that made it, at most once per
/// change; an observer that throws is logged and ignored (it never changes the run). Keep it
/// quick: it runs on the node's execution path.
/// </remarks>
public interface IRunObserver
{
    Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken);
}

/// <param name="Reason">The halt or abort reason; the gate question when waiting for approval.</param>
public sealed record RunStateChange(long RunId, string DefinitionId, int DefinitionVersion, RunState State, string? Reason, string? StepId, DateTimeOffset At);
