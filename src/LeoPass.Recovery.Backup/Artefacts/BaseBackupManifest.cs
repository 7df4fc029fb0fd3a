using System.Text.Json;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>
/// The commit marker of a base backup: where its WAL starts and ends (a restore needs every
/// segment from the start segment on, and reaches consistency at the end location), on which
/// timeline, and when. Written last and signed, like a dump's manifest (docs/artefact-format.md, "Base backups").
/// </summary>
public sealed record BaseBackupManifest
{
    public const string FormatName = "leopass-recovery/basebackup";
    public const int CurrentFormatVersion = 1;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Key { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required BaseBackupSource Source { get; init; }
    public required BaseBackupRange Backup { get; init; }
    public required BaseBackupSizes Sizes { get; init; }
    public required string Sha256 { get; init; }
    public required ManifestUpload Upload { get; init; }
    public required string Compression { get; init; }
    public required ManifestEncryption Encryption { get; init; }
    /// <summary>The newest applied Prisma migration when the backup started, for the migration-head check of a restore.</summary>
    public ManifestMigration? LatestMigration { get; init; }
    public required ManifestProducer Producer { get; init; }
    public ManifestSigning? Signing { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, BackupManifest.JsonOptions);

    public static BaseBackupManifest Parse(string json, string source)
    {
        BaseBackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BaseBackupManifest>(json, BackupManifest.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"base backup manifest {source} is not valid JSON: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != FormatName) throw new InvalidDataException($"{source} is not a {FormatName} manifest");
        if (manifest.FormatVersion > CurrentFormatVersion)
        {
            throw new InvalidDataException($"base backup manifest {source} has format version {manifest.FormatVersion}; this tool reads up to {CurrentFormatVersion}: upgrade leopass-recovery");
        }
        return manifest;
    }
}

public sealed record BaseBackupSource(string Database, string SystemIdentifier, string ServerVersion, string PgBasebackupVersion, long SegmentBytes);

/// <param name="StartedAt">Before pg_basebackup's checkpoint: no restore target before the backup's end can be reached from it.</param>
/// <param name="EndedAt">After pg_basebackup ended: the earliest time a restore from this backup can reach.</param>
/// <param name="StartLsn">The checkpoint's redo location: WAL from its segment on is needed.</param>
/// <param name="EndLsn">Where the copy is consistent: recovery must replay at least to here.</param>
public sealed record BaseBackupRange(DateTimeOffset StartedAt, DateTimeOffset EndedAt, string StartLsn, string EndLsn, uint Timeline, string StartSegment, string EndSegment);

/// <param name="TarBytes">Bytes pg_basebackup wrote (the tar).</param>
public sealed record BaseBackupSizes(long TarBytes, long CompressedBytes, long StoredBytes);
