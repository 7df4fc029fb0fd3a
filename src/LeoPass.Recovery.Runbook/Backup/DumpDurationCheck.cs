
namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// Is this dump slow? The seed's troubleshooting names dumps over 30 minutes (table bloat, a lock,
/// a busy server): slow when it took longer than BACKUP_DURATION_WARN, or more than 50 % over the
/// median of the last 14 days' dumps (with at least <see cref="MinimumHistory"/> of them: a median
/// of one or two nights is noise). Pure, so its rule is tested directly.
/// </summary>
public static class DumpDurationCheck
{
    public const double OverMedianShare = 1.5;
    public const int MinimumHistory = 3;
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(14);

    /// <summary>Null when the dump is not slow; otherwise the one line that says why.</summary>
    public static string? SlowBecause(TimeSpan dump, IReadOnlyList<TimeSpan> lastFourteenDays, TimeSpan warnAfter)
    {
        if (dump > warnAfter)
        {
            return $"the dump took {Minutes(dump)}, over BACKUP_DURATION_WARN ({Minutes(warnAfter)}): check table bloat, long-running locks and the database server's load";
        }
        if (lastFourteenDays.Count < MinimumHistory) return null;
        var sorted = lastFourteenDays.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        if (median > TimeSpan.Zero && dump > median * OverMedianShare)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"the dump took {Minutes(dump)}, {(dump / median - 1) * 100:0} % over the 14-day median of {Minutes(median)} ({sorted.Count} dumps): check table bloat and what else ran");
        }
        return null;
    }

    private static string Minutes(TimeSpan span) => span < TimeSpan.FromMinutes(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");
}
