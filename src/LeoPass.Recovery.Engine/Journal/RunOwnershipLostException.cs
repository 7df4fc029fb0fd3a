namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// Fencing refused a write: another node took the run over (its lease token moved on), so this
/// node's view is stale and it must stop without writing anything more.
/// </summary>
public sealed class RunOwnershipLostException(long runId, long expectedToken, long actualToken, string? holder)
    : Exception($"run {runId} was taken over by {holder ?? "another node"} (lease {actualToken}, this node held {expectedToken}); this node stops without writing")
{
    public long RunId { get; } = runId;
}

/// <summary>The run left Running (an abort) while this node was about to start another attempt.</summary>
public sealed class RunNoLongerRunningException(long runId, string state)
    : Exception($"run {runId} is {state}; no further attempt is started")
{
    public long RunId { get; } = runId;
}
