using System.Globalization;
using System.Text.RegularExpressions;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>
/// Names artefacts: the runbook's <c>leopass-YYYY-MM-DD</c> plus the UTC time, so two
/// backups on one day never overwrite each other, plus a suffix per encoding layer, e.g.
/// <c>leopass-2026-11-27T020000Z.dump.zst.pgp</c>. The manifest sits beside it as
/// <c>&lt;key&gt;.manifest.json</c>.
/// </summary>
public static partial class ArtefactKey
{
    public const string Prefix = "leopass-";
    public const string ManifestSuffix = ".manifest.json";

    public static string For(DateTimeOffset snapshotStart, CompressionKind compression) =>
        Prefix + snapshotStart.UtcDateTime.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture)
        + ".dump" + compression.Suffix() + ".pgp";

    public static string ManifestOf(string artefactKey) => artefactKey + ManifestSuffix;

    public static bool IsManifest(string key) => key.StartsWith(Prefix, StringComparison.Ordinal) && key.EndsWith(ManifestSuffix, StringComparison.Ordinal);

    public static string ArtefactOfManifest(string manifestKey) => manifestKey[..^ManifestSuffix.Length];

    /// <summary>The UTC time encoded in a key, or null for a key we did not name.</summary>
    public static DateTimeOffset? TimeOf(string key)
    {
        var match = KeyTime().Match(key);
        return match.Success && DateTime.TryParseExact(match.Groups[1].Value, "yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
    }

    [GeneratedRegex(@"^leopass-(\d{4}-\d{2}-\d{2}T\d{6}Z)\.dump")]
    private static partial Regex KeyTime();
}
