namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>How a watched quantity stands: within its target, past the warning share of it, or past it.</summary>
public enum WatchLevel
{
    Ok,
    Warning,
    Breach,
}

/// <summary>What one look at a watched quantity found: its level and one line a person at 3 a.m. reads first.</summary>
public sealed record WatchReading(WatchLevel Level, string Headline)
{
    /// <summary>From this share of a target on, a watch warns.</summary>
    public const double WarningShare = 0.8;

    public static WatchLevel LevelOf(TimeSpan value, TimeSpan target) =>
        value >= target ? WatchLevel.Breach : value >= target * WarningShare ? WatchLevel.Warning : WatchLevel.Ok;
}

/// <summary>
/// One thing the cluster's watchdog keeps an eye on (the newest recovery point's age against the
/// RPO; the predicted RTO against the RTO). <see cref="ClusterWatchdog"/> keeps its last level in
/// the database and tells people once per change.
/// </summary>
public interface IWatch
{
    /// <summary>Stable name, the key of its state row and the job name in alerts, e.g. "rpo".</summary>
    string Name { get; }

    /// <param name="watchingSince">When the cluster started watching: with nothing to measure yet, time counts from here.</param>
    Task<WatchReading> ReadAsync(DateTimeOffset now, DateTimeOffset watchingSince, CancellationToken cancellationToken);
}
