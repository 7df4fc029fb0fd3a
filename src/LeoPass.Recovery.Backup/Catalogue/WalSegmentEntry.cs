namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// One shipped WAL file (a segment, or a timeline history file when <see cref="SegmentNumber"/> is
/// null). Catalogued only after its manifest was written, so every row is a complete, verified
/// shipment. At most one live row per timeline and file name: the first shipment recorded wins.
/// </summary>
public sealed class WalSegmentEntry
{
    public required string Key { get; set; }
    public required string FileName { get; set; }
    public required int Timeline { get; set; }
    public long? SegmentNumber { get; set; }
    public long? StartLsn { get; set; }
    public long? EndLsn { get; set; }
    /// <summary>When the stream had the whole file: the restore window reaches up to here.</summary>
    public required DateTimeOffset CompletedAt { get; set; }
    public required DateTimeOffset ShippedAt { get; set; }
    public required long StoredBytes { get; set; }
    public required string Sha256 { get; set; }
    public required string SystemIdentifier { get; set; }
    public required string ManifestJson { get; set; }
    public DateTimeOffset? PrunedAt { get; set; }
}
