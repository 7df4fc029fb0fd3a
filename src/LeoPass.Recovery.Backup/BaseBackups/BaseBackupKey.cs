using System.Globalization;
using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Backup.BaseBackups;

/// <summary>
/// Names base backups: <c>leopass-base/&lt;UTC start&gt;-&lt;id&gt;.tar.zst.pgp</c>, e.g.
/// <c>leopass-base/2026-12-06T010000Z-3f9a1c07.tar.zst.pgp</c>: the tar that
/// <c>pg_basebackup -Ft -D -</c> writes, compressed and encrypted like a dump. Time first so
/// listings sort by it; the id keeps two base backups of one second apart.
/// </summary>
public static partial class BaseBackupKey
{
    public const string Prefix = "leopass-base/";

    public static string For(DateTimeOffset startedAt, CompressionKind compression) =>
        Prefix + startedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + ArtefactKey.NewBackupId()
        + ".tar" + compression.Suffix() + ".pgp";

    public static bool IsBaseBackup(string key) => ObjectName().IsMatch(key);

    public static bool IsManifest(string key) =>
        key.EndsWith(ArtefactKey.ManifestSuffix, StringComparison.Ordinal) && IsBaseBackup(ArtefactKey.ArtefactOfManifest(key));

    [GeneratedRegex(@"^leopass-base/\d{4}-\d{2}-\d{2}T\d{6}Z-[0-9a-f]{8}\.tar(?:\.zst|\.gz)?\.pgp$")]
    private static partial Regex ObjectName();
}
