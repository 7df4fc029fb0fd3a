using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Backup.Wal;

/// <summary>
/// Names shipped WAL files: <c>leopass-wal/&lt;timeline&gt;/&lt;file name&gt;-&lt;id&gt;.zst.pgp</c>, e.g.
/// <c>leopass-wal/00000001/000000010000000000000003-3f9a1c07.zst.pgp</c> or
/// <c>leopass-wal/00000002/00000002.history-0c55e1aa.zst.pgp</c>. One folder per timeline, so a
/// listing of a timeline is one prefix and sorts by position; the id makes every shipment a key of
/// its own (no write replaces an object), so a segment shipped twice — an attempt whose answer was
/// lost — leaves two complete objects, either of which restores. The manifest and its signature
/// sit beside the object as for a dump (<see cref="ArtefactKey.ManifestOf"/>, <see cref="ArtefactKey.SignatureOf"/>).
/// </summary>
public static partial class WalArtefactKey
{
    public const string Prefix = "leopass-wal/";

    public static string For(WalFileName file, CompressionKind compression) =>
        $"{TimelinePrefix(file.Timeline)}{file.Name}-{ArtefactKey.NewBackupId()}{compression.Suffix()}.pgp";

    public static string TimelinePrefix(uint timeline) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}{timeline:X8}/");

    /// <summary>The prefix every shipment of <paramref name="fileName"/> starts with.</summary>
    public static string PrefixOf(WalFileName file) => $"{TimelinePrefix(file.Timeline)}{file.Name}-";

    /// <summary>The WAL file name a shipped object (not its manifest or signature) holds, or null for a key that is not one.</summary>
    public static string? FileNameOf(string key) => ObjectName().Match(key) is { Success: true } m ? m.Groups[1].Value : null;

    public static bool IsManifest(string key) =>
        key.EndsWith(ArtefactKey.ManifestSuffix, StringComparison.Ordinal) && FileNameOf(ArtefactKey.ArtefactOfManifest(key)) is not null;

    [GeneratedRegex(@"^leopass-wal/[0-9A-F]{8}/([0-9A-F]{24}|[0-9A-F]{8}\.history)-[0-9a-f]{8}(?:\.zst|\.gz)?\.pgp$")]
    private static partial Regex ObjectName();
}
