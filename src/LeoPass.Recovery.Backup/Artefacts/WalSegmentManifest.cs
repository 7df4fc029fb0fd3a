using System.Text.Json;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>
/// The commit marker of one shipped WAL file (a segment or a timeline history file): written
/// after the object is stored and verified, signed like a dump's manifest. A WAL object without
/// it is not shipped: readers ignore it and retention deletes it. Documented in
/// docs/artefact-format.md ("WAL segments").
/// </summary>
public sealed record WalSegmentManifest
{
    public const string FormatName = "leopass-recovery/wal-segment";
    public const int CurrentFormatVersion = 1;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Key { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required WalSource Source { get; init; }
    public required WalSegmentInfo Segment { get; init; }
    public required WalSizes Sizes { get; init; }
    /// <summary>Lowercase hex SHA-256 of the object as stored.</summary>
    public required string Sha256 { get; init; }
    /// <summary>Lowercase hex SHA-256 of the WAL file itself, checked after decryption.</summary>
    public required string PlainSha256 { get; init; }
    public required ManifestUpload Upload { get; init; }
    public required string Compression { get; init; }
    public required ManifestEncryption Encryption { get; init; }
    public required ManifestProducer Producer { get; init; }
    public ManifestSigning? Signing { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, BackupManifest.JsonOptions);

    /// <summary>Parses and checks a WAL manifest; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static WalSegmentManifest Parse(string json, string source)
    {
        WalSegmentManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<WalSegmentManifest>(json, BackupManifest.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"WAL manifest {source} is not valid JSON: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != FormatName) throw new InvalidDataException($"{source} is not a {FormatName} manifest");
        if (manifest.FormatVersion > CurrentFormatVersion)
        {
            throw new InvalidDataException($"WAL manifest {source} has format version {manifest.FormatVersion}; this tool reads up to {CurrentFormatVersion}: upgrade leopass-recovery");
        }
        return manifest;
    }
}

/// <param name="SystemIdentifier">The source cluster's system identifier (pg_control): WAL of another cluster never mixes in.</param>
public sealed record WalSource(string SystemIdentifier, string ServerVersion, long SegmentBytes);

/// <param name="FileName">The pg_wal file name restore_command is asked for.</param>
/// <param name="StartLsn">First location of a segment; null for a history file.</param>
/// <param name="EndLsn">First location after a segment; null for a history file.</param>
/// <param name="CompletedAt">When the stream had the whole file: every record in it was written before this.</param>
public sealed record WalSegmentInfo(string FileName, uint Timeline, string? StartLsn, string? EndLsn, DateTimeOffset CompletedAt);

public sealed record WalSizes(long PlainBytes, long CompressedBytes, long StoredBytes);
