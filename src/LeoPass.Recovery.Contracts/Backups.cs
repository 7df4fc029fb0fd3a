namespace LeoPass.Recovery.Contracts;

/// <summary>GET /api/backups: one catalogued backup.</summary>
public sealed record BackupSummary(
    string Key,
    string Database,
    DateTimeOffset SnapshotStartedAt,
    DateTimeOffset CreatedAt,
    long StoredBytes,
    long DumpBytes,
    string Sha256,
    string UploadVerification,
    string Compression,
    DateTimeOffset? LastVerifiedAt,
    string? LastVerifyResult,
    RestoreVerification? RestoreVerification = null);

/// <summary>What restore verifications found about a backup (verify-restore): proven at, or the last failure.</summary>
public sealed record RestoreVerification(DateTimeOffset? VerifiedAt, long? RunId, int? Tables, string? Summary, DateTimeOffset? FailedAt, string? Failure)
{
    /// <summary>The last attempt failed after (or without) any proof.</summary>
    public bool LastFailed => FailedAt is { } failed && (VerifiedAt is null || failed > VerifiedAt);
}

/// <summary>POST /api/backups/{key}/verify.</summary>
public sealed record BackupVerification(string Key, bool Decrypted, string Sha256, long StoredBytes, long DumpBytes, TimeSpan Duration);

/// <summary>GET /api/backups/{key}: the parts of the manifest the console shows.</summary>
public sealed record BackupManifest(
    string Key,
    DateTimeOffset CreatedAt,
    ManifestDatabase Database,
    ManifestSnapshot Snapshot,
    ManifestSizes Sizes,
    string Sha256,
    ManifestUpload Upload,
    string Compression,
    ManifestEncryption Encryption,
    IReadOnlyList<ManifestTable> Tables,
    ManifestMigration? LatestMigration);

public sealed record ManifestDatabase(string Name, string ServerVersion, string PgDumpVersion);

public sealed record ManifestSnapshot(DateTimeOffset StartedAt, DateTimeOffset EndedAt);

public sealed record ManifestSizes(long DumpBytes, long CompressedBytes, long StoredBytes);

public sealed record ManifestUpload(string? ETag, string Verification, int Parts, string Store);

public sealed record ManifestEncryption(string Type, string RecipientFingerprint, string Cipher, bool IntegrityProtected);

public sealed record ManifestTable(string Schema, string Name, long Rows);

public sealed record ManifestMigration(string Name, DateTimeOffset? FinishedAt);
