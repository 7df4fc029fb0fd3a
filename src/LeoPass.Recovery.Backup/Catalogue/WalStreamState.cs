namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// What the node holding a source's WAL stream last said about it (one row per source, written by
/// the holder every few seconds): who streams, whether the source had anything unshipped, what
/// waits in the spool, what the slot holds back, and the last error. Read by status, list and metrics.
/// </summary>
public sealed class WalStreamState
{
    /// <summary>The WAL source, described without credentials (host:port/database).</summary>
    public required string Source { get; set; }
    public required string Node { get; set; }
    public required DateTimeOffset LeasedAt { get; set; }
    public required DateTimeOffset HeartbeatAt { get; set; }
    /// <summary>The last moment the source had written nothing the store did not have: the restore window reached this moment.</summary>
    public DateTimeOffset? CaughtUpAt { get; set; }
    public int QueuedSegments { get; set; }
    public long? SlotRetainedBytes { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
}
