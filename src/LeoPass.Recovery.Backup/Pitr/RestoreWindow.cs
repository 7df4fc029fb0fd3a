using System.Globalization;
using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Catalogue;

namespace LeoPass.Recovery.Backup.Pitr;

/// <summary>
/// The stretch of time a point-in-time restore can reach: from the end of the earliest base
/// backup whose WAL is shipped without a gap up to now, to the newest shipped WAL. Both ends are
/// null while there is no such base backup. <see cref="NewestShippedAge"/> is the live RPO: how
/// much committed work a restore right now could miss.
/// </summary>
/// <param name="From">The earliest restorable moment: the end of the earliest restorable base backup.</param>
/// <param name="To">The newest moment the shipped WAL covers: the newest shipped segment's completion, or later while the source had nothing unshipped.</param>
/// <param name="NewestShippedAt">When the newest shipped WAL was complete (null: nothing shipped).</param>
/// <param name="Gaps">Segments missing between shipped ones, oldest first; the window starts after the newest gap.</param>
public sealed record RestoreWindow(
    DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset? NewestShippedAt, TimeSpan? NewestShippedAge,
    string? EarliestBaseBackup, string? NewestSegment, int BaseBackups, int Segments, IReadOnlyList<string> Gaps, WalStreamState? Stream)
{
    public bool IsEmpty => From is null || To is null;

    /// <summary>"restore to any second from 2026-12-01 02:00:14Z to 2026-12-07 15:02:31Z", or why there is no window.</summary>
    public string Describe() => IsEmpty
        ? (BaseBackups == 0 ? "no restore window: no base backup yet (the base backup workflow takes one on BASE_BACKUP_CRON; start it now to begin the window)" : "no restore window: no base backup has its WAL shipped without a gap yet")
        : string.Create(CultureInfo.InvariantCulture, $"restore to any second from {From!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z to {To!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
}

/// <summary>
/// Computes the <see cref="RestoreWindow"/> from the catalogue: a small query service that the
/// status API, `backup list`, the console, metrics and the RPO watchdog share.
/// </summary>
public sealed class RestoreWindowQuery(PitrCatalogue catalogue, TimeProvider clock)
{
    public async Task<RestoreWindow> GetAsync(CancellationToken cancellationToken = default)
    {
        var segments = (await catalogue.ListSegmentsAsync(cancellationToken)).Where(s => s.SegmentNumber is not null).ToList();
        var bases = await catalogue.ListBaseBackupsAsync(cancellationToken);
        var stream = await catalogue.StreamStateAsync(cancellationToken);
        return Compute(segments, bases, stream, clock.GetUtcNow());
    }

    /// <summary>Pure, so its rules are tested directly: segments in replay order, base backups oldest first.</summary>
    public static RestoreWindow Compute(IReadOnlyList<WalSegmentEntry> segments, IReadOnlyList<BaseBackupEntry> bases, WalStreamState? stream, DateTimeOffset now)
    {
        var ordered = segments.Where(s => s.SegmentNumber is not null).OrderBy(s => s.SegmentNumber).ThenBy(s => s.Timeline).ToList();
        if (ordered.Count == 0)
        {
            return new RestoreWindow(null, null, null, null, null, null, bases.Count, 0, [], stream);
        }
        var gaps = new List<string>();
        var runStart = 0;
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].SegmentNumber > ordered[i - 1].SegmentNumber + 1)
            {
                gaps.Add(NameAfter(ordered[i - 1]));
                runStart = i;
            }
        }
        var newest = ordered[^1];
        var firstInRun = ordered[runStart].SegmentNumber!.Value;
        var restorable = bases
            .Select(b => (Entry: b, Range: SegmentRange(b)))
            .Where(b => b.Range.Start >= firstInRun && b.Range.End <= newest.SegmentNumber)
            .Select(b => b.Entry)
            .OrderBy(b => b.EndedAt)
            .ToList();
        var newestAt = ordered.Max(s => s.CompletedAt);
        var to = stream?.CaughtUpAt is { } caughtUp && caughtUp > newestAt ? caughtUp : newestAt;
        var earliest = restorable.FirstOrDefault();
        return new RestoreWindow(earliest?.EndedAt, earliest is null ? null : to, newestAt, now - to, earliest?.Key, newest.FileName,
            bases.Count, ordered.Count, gaps, stream);
    }

    /// <summary>The first and last segment numbers a base backup needs (from its start location's segment to its end location's).</summary>
    public static (long Start, long End) SegmentRange(BaseBackupEntry backup)
    {
        var segmentBytes = BaseBackupManifest.Parse(backup.ManifestJson, backup.Key).Source.SegmentBytes;
        return (backup.StartLsn / segmentBytes, (backup.EndLsn - 1) / segmentBytes);
    }

    private static string NameAfter(WalSegmentEntry segment)
    {
        var segmentBytes = LeoPass.Recovery.Backup.Artefacts.WalSegmentManifest.Parse(segment.ManifestJson, segment.Key).Source.SegmentBytes;
        return LeoPass.Recovery.Backup.Artefacts.WalFileName.Segment((uint)segment.Timeline, (ulong)segment.SegmentNumber!.Value + 1, segmentBytes).Name;
    }
}
