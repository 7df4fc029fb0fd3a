using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>
/// Names artefacts: the runbook's <c>leopass-YYYY-MM-DD</c>, the UTC time, a random backup id,
/// then a suffix per encoding layer, e.g. <c>leopass-2026-11-27T020000Z-3f9a1c07.dump.zst.pgp</c>.
/// The time comes first so listings sort by it; the id makes the key unique per backup, so two
/// backups started in the same second (a manual run during the nightly one, two nodes) never
/// share a key. The manifest sits beside it as <c>&lt;key&gt;.manifest.json</c>, its optional
/// signature as <c>&lt;key&gt;.manifest.json.sig</c>.
/// </summary>
/// <remarks>Keys written before the id existed (<c>leopass-2026-11-27T020000Z.dump.zst.pgp</c>) are read everywhere.</remarks>
public static partial class ArtefactKey
{
    public const string Prefix = "leopass-";
    public const string ManifestSuffix = ".manifest.json";
    public const string SignatureSuffix = ".sig";

    /// <summary>The longest key a reader is asked for: a manifest's, <c>leopass-2026-11-27T020000Z-3f9a1c07.dump.zst.pgp.manifest.json</c>.</summary>
    public const int MaxLength = 62;

    /// <summary>Hex digits of the backup id: 32 random bits, so two backups of one second collide once in four billion (and then the store refuses the second write).</summary>
    public const int BackupIdLength = 8;

    public static string For(DateTimeOffset snapshotStart, CompressionKind compression) =>
        For(snapshotStart, compression, NewBackupId());

    public static string For(DateTimeOffset snapshotStart, CompressionKind compression, string backupId)
    {
        if (!BackupIdPattern().IsMatch(backupId)) throw new ArgumentException($"a backup id is {BackupIdLength} lowercase hex digits, not '{backupId}'", nameof(backupId));
        return Prefix + snapshotStart.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) + "-" + backupId
            + ".dump" + compression.Suffix() + ".pgp";
    }

    public static string NewBackupId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(BackupIdLength / 2));

    public static string ManifestOf(string artefactKey) => artefactKey + ManifestSuffix;

    /// <summary>The detached OpenPGP signature of the manifest (written only when BACKUP_SIGNING_KEY is set).</summary>
    public static string SignatureOf(string artefactKey) => artefactKey + ManifestSuffix + SignatureSuffix;

    /// <summary>A dump's manifest (not a WAL segment's or a base backup's, which share the suffix under leopass-wal/ and leopass-base/).</summary>
    public static bool IsManifest(string key) => key.EndsWith(ManifestSuffix, StringComparison.Ordinal) && IsArtefact(key[..^ManifestSuffix.Length]);

    public static bool IsSignature(string key) =>
        key.EndsWith(ManifestSuffix + SignatureSuffix, StringComparison.Ordinal) && IsArtefact(key[..^(ManifestSuffix.Length + SignatureSuffix.Length)]);

    /// <summary>A dump object of ours (not its manifest or signature), with or without a backup id.</summary>
    public static bool IsArtefact(string key) => ArtefactName().IsMatch(key);

    public static string ArtefactOfManifest(string manifestKey) => manifestKey[..^ManifestSuffix.Length];

    /// <summary>The UTC time encoded in a key (artefact, manifest or signature), or null for a key we did not name.</summary>
    public static DateTimeOffset? TimeOf(string key)
    {
        var match = KeyTime().Match(key);
        return match.Success && DateTime.TryParseExact(match.Groups[1].Value, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
    }

    private const string TimeFormat = "yyyy-MM-dd'T'HHmmss'Z'";

    // The id is optional so that keys from before it existed still parse.
    [GeneratedRegex(@"^leopass-(\d{4}-\d{2}-\d{2}T\d{6}Z)(?:-[0-9a-f]{8})?\.dump")]
    private static partial Regex KeyTime();

    [GeneratedRegex(@"^leopass-\d{4}-\d{2}-\d{2}T\d{6}Z(?:-[0-9a-f]{8})?\.dump(?:\.zst|\.gz)?\.pgp$")]
    private static partial Regex ArtefactName();

    [GeneratedRegex("^[0-9a-f]{8}$")]
    private static partial Regex BackupIdPattern();
}
