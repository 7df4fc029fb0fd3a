namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>One base backup whose manifest was written: the start of a stretch of restore window.</summary>
public sealed class BaseBackupEntry
{
    public required string Key { get; set; }
    public required DateTimeOffset StartedAt { get; set; }
    public required DateTimeOffset EndedAt { get; set; }
    public required long StartLsn { get; set; }
    public required long EndLsn { get; set; }
    public required int Timeline { get; set; }
    public required string StartSegment { get; set; }
    public required string EndSegment { get; set; }
    public required long StoredBytes { get; set; }
    public required long TarBytes { get; set; }
    public required string Sha256 { get; set; }
    public required string SystemIdentifier { get; set; }
    public required string ManifestJson { get; set; }
    /// <summary>When a point-in-time restore from this backup last proved its target.</summary>
    public DateTimeOffset? LastRestoredAt { get; set; }
    public DateTimeOffset? PrunedAt { get; set; }
}
