namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// Wakes whoever in this process follows runs (<c>--wait</c>, progress lines) when this node has
/// just committed a change to a run's journal, so a follower of a run executed here need not poll
/// the database several times a second. During a restore that database is often on the very
/// server being restored into, and every poll takes CPU from pg_restore. Changes committed by
/// other nodes are not seen here: followers still poll, only slowly.
/// </summary>
public sealed class RunChanges
{
    private TaskCompletionSource _next = NewSignal();

    /// <summary>Completes at the next change committed by this process. Take it before reading the run, so a change in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSignal()).TrySetResult();

    // Asynchronous continuations: the journal writer that pulses must not run a follower's query inline.
    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
