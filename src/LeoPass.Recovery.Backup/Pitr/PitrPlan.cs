using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Wal;

namespace LeoPass.Recovery.Backup.Pitr;

/// <summary>
/// What a point-in-time restore uses: the newest base backup that ends before the target, and
/// every shipped segment from that backup's start on, in replay order (recovery stops reading them
/// when it reaches the target). A target outside the restore window is refused, naming the window.
/// </summary>
public sealed record PitrPlan(BaseBackupEntry Base, BaseBackupManifest BaseManifest, IReadOnlyList<WalSegmentEntry> Segments, IReadOnlyList<WalSegmentEntry> HistoryFiles, PitrTarget Target, RestoreWindow Window)
{
    public WalSegmentEntry LastSegment => Segments[^1];

    /// <exception cref="BackupException">The target is outside the restore window, or there is none (stage "resolve").</exception>
    public static PitrPlan For(PitrTarget target, RestoreWindow window, IReadOnlyList<BaseBackupEntry> bases, IReadOnlyList<WalSegmentEntry> segments, IReadOnlyList<WalSegmentEntry> history)
    {
        BackupException Refuse(string reason) => new($"{reason}; {window.Describe()}") { Stage = "resolve" };
        if (window.IsEmpty) throw Refuse($"cannot restore to {target}");
        if (target.Time is { } time)
        {
            if (time < window.From) throw Refuse($"the target {target} is before the earliest point a base backup can reach");
            if (time > window.To) throw Refuse($"the target {target} is after the newest shipped WAL");
        }
        var ordered = segments.Where(s => s.SegmentNumber is not null).OrderBy(s => s.SegmentNumber).ThenBy(s => s.Timeline).ToList();
        var newest = ordered[^1].SegmentNumber!.Value;
        // Only base backups inside the window's unbroken stretch of WAL can replay to the target.
        var firstInRun = FirstAfterNewestGap(ordered);
        var candidates = bases
            .Where(b => RestoreWindowQuery.SegmentRange(b) is var r && r.Start >= firstInRun && r.End <= newest)
            .Where(b => target.Time is not { } t || b.EndedAt <= t)
            .Where(b => target.Location is not { } l || (ulong)b.EndLsn <= l.Value)
            .OrderByDescending(b => b.EndedAt).ToList();
        var chosen = candidates.FirstOrDefault() ?? throw Refuse($"no base backup ends before the target {target}");
        var start = RestoreWindowQuery.SegmentRange(chosen).Start;
        var needed = ordered.Where(s => s.SegmentNumber >= start).ToList();
        return new PitrPlan(chosen, BaseBackupManifest.Parse(chosen.ManifestJson, chosen.Key), needed, [.. history.Where(h => h.Timeline > chosen.Timeline)], target, window);
    }

    private static long FirstAfterNewestGap(List<WalSegmentEntry> ordered)
    {
        var first = ordered[0].SegmentNumber!.Value;
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].SegmentNumber > ordered[i - 1].SegmentNumber + 1) first = ordered[i].SegmentNumber!.Value;
        }
        return first;
    }
}
