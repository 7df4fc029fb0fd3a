namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// One backup the catalogue knows of. Only backups whose manifest was written are
/// catalogued, so every row is an upload-verified backup; <see cref="LastVerifiedAt"/> tells
/// whether it was also read back, decrypted and decompressed end to end.
/// </summary>
public sealed class CatalogueEntry
{
    public required string Key { get; set; }
    public required DateTimeOffset SnapshotStartedAt { get; set; }
    public required DateTimeOffset SnapshotEndedAt { get; set; }
    public required DateTimeOffset CreatedAt { get; set; }
    public required string DatabaseName { get; set; }
    public required long StoredBytes { get; set; }
    public required long DumpBytes { get; set; }
    public required string Sha256 { get; set; }
    public string? ETag { get; set; }
    public required string UploadVerification { get; set; }
    public required string Compression { get; set; }
    public required string RecipientFingerprint { get; set; }
    /// <summary>The manifest as stored, so a restore can check it without another download.</summary>
    public required string ManifestJson { get; set; }
    public DateTimeOffset? LastVerifiedAt { get; set; }
    /// <summary>"ok" or the one-line cause of the last failed verification.</summary>
    public string? LastVerifyResult { get; set; }
    public DateTimeOffset? PrunedAt { get; set; }

    /// <summary>
    /// When a restore of this backup into a scratch database last proved it (verify-restore: every
    /// table's row count and the migration head equal to the manifest); null until one did.
    /// </summary>
    public DateTimeOffset? RestoreVerifiedAt { get; set; }
    /// <summary>The run that proved it.</summary>
    public long? RestoreVerifiedRunId { get; set; }
    /// <summary>How many tables the proof compared.</summary>
    public int? RestoreVerifiedTables { get; set; }
    /// <summary>One line: "42 tables, counts equal, migration head 20261101_init".</summary>
    public string? RestoreVerifiedSummary { get; set; }
    /// <summary>When a restore verification of this backup last failed, and why (a later success does not clear it: both are history).</summary>
    public DateTimeOffset? RestoreVerifyFailedAt { get; set; }
    public string? RestoreVerifyFailure { get; set; }
}
