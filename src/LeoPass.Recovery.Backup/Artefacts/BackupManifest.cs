using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>
/// The commit marker of a backup and everything a restore needs to trust it. Written last:
/// an artefact without its manifest is not a backup. The format is documented in
/// docs/artefact-format.md; readers check <see cref="FormatVersion"/>.
/// </summary>
public sealed record BackupManifest
{
    public const string FormatName = "leopass-recovery/artefact";
    public const int CurrentFormatVersion = 1;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Key { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required ManifestDatabase Database { get; init; }
    public required ManifestSnapshot Snapshot { get; init; }
    public required ManifestSizes Sizes { get; init; }
    /// <summary>Lowercase hex SHA-256 of the object exactly as stored.</summary>
    public required string Sha256 { get; init; }
    public required ManifestUpload Upload { get; init; }
    public required string Compression { get; init; }
    public required ManifestEncryption Encryption { get; init; }
    public required IReadOnlyList<ManifestTable> Tables { get; init; }
    /// <summary>The newest applied Prisma migration, when the database has <c>_prisma_migrations</c>.</summary>
    public ManifestMigration? LatestMigration { get; init; }
    public required ManifestProducer Producer { get; init; }
    /// <summary>Who signed this manifest (its detached signature is <c>&lt;key&gt;.manifest.json.sig</c>); absent when BACKUP_SIGNING_KEY was not set.</summary>
    public ManifestSigning? Signing { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and checks a manifest; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static BackupManifest Parse(string json, string source)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest {source} is not valid JSON: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != FormatName)
        {
            throw new InvalidDataException($"manifest {source} is not a {FormatName} manifest");
        }
        if (manifest.FormatVersion > CurrentFormatVersion)
        {
            throw new InvalidDataException($"manifest {source} has format version {manifest.FormatVersion}; this tool reads up to {CurrentFormatVersion}: upgrade leopass-recovery");
        }
        return manifest;
    }
}

public sealed record ManifestDatabase(string Name, string ServerVersion, string PgDumpVersion);

public sealed record ManifestSnapshot(DateTimeOffset StartedAt, DateTimeOffset EndedAt, string? SnapshotId);

/// <summary>Bytes at each stage: pg_dump's output, after compression, as stored (encrypted).</summary>
public sealed record ManifestSizes(long DumpBytes, long CompressedBytes, long StoredBytes);

public sealed record ManifestUpload(string? ETag, string Verification, int Parts, string Store)
{
    /// <summary>How the store kept the write from replacing an object (ExclusiveRename, ConditionalWrite, CheckedBeforeWrite); absent in manifests older than the rule.</summary>
    public string? ReplaceProtection { get; init; }

    /// <summary>The Object Lock retain-until date the store confirmed on the artefact; absent without a confirmed lock.</summary>
    public DateTimeOffset? RetainedUntil { get; init; }
}

public sealed record ManifestEncryption(string Type, string RecipientFingerprint, string Cipher, bool IntegrityProtected);

public sealed record ManifestTable(string Schema, string Name, long Rows);

public sealed record ManifestMigration(string Name, DateTimeOffset? FinishedAt);

public sealed record ManifestProducer(string Tool, string Version, string Host);

/// <param name="Type">Always <c>openpgp-detached</c>: an ASCII-armoured detached signature over the manifest's bytes.</param>
/// <param name="SignerFingerprint">Primary-key fingerprint of BACKUP_SIGNING_KEY, as gpg prints it.</param>
public sealed record ManifestSigning(string Type, string SignerFingerprint);
