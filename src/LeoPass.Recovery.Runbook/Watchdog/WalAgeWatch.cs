using LeoPass.Recovery.Backup.Pitr;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>
/// The live RPO of the WAL stream: the newest shipped WAL's age against WAL_RPO_TARGET, a warning
/// at 80 % and an alert past it. The nightly-backup RPO watch would stay quiet for a day after the
/// stream stopped; this one speaks within minutes. It watches once WAL is streamed anywhere in the
/// cluster (WAL_STREAM on this node, a stream's state or a shipped segment in the catalogue), and
/// with nothing shipped yet it counts from when the watch began.
/// </summary>
public sealed class WalAgeWatch(RestoreWindowQuery windows, RecoverySettings settings) : IWatch
{
    /// <summary>A stream whose holder has not reported for this long is taken as stopped.</summary>
    public static readonly TimeSpan HeartbeatLost = TimeSpan.FromMinutes(1);

    public string Name => "wal";

    public async Task<WatchReading> ReadAsync(DateTimeOffset now, DateTimeOffset watchingSince, CancellationToken cancellationToken) =>
        Judge(await windows.GetAsync(cancellationToken), settings.Pitr, now, watchingSince);

    public static WatchReading Judge(RestoreWindow window, PitrSettings pitr, DateTimeOffset now, DateTimeOffset watchingSince)
    {
        if (!pitr.StreamEnabled && window.Segments == 0 && window.Stream is null)
        {
            return new WatchReading(WatchLevel.Ok, "WAL is not streamed (WAL_STREAM is off and nothing was ever shipped): the RPO is the nightly backup's.");
        }
        var target = pitr.RpoTarget;
        var age = window.NewestShippedAge ?? now - watchingSince;
        var what = window.NewestSegment is null
            ? $"no WAL shipped yet (watching since {watchingSince.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, {Span(age)} ago)"
            : $"the newest shipped WAL ({window.NewestSegment}) is {Span(age)} old";
        var level = WatchReading.LevelOf(age, target);
        return new WatchReading(level, level switch
        {
            WatchLevel.Breach => $"WAL RPO breached: {what}, past the {Span(target)} WAL_RPO_TARGET: a restore now would lose that much committed work. {Cause(window, now)}",
            WatchLevel.Warning => $"WAL RPO at risk: {what}, {RpoWatch.Percent(age, target)} of the {Span(target)} WAL_RPO_TARGET. {Cause(window, now)}",
            _ => $"WAL RPO within target: {what} ({RpoWatch.Percent(age, target)} of {Span(target)}).",
        });
    }

    /// <summary>What the stream's own state says about why WAL is not arriving, so the reader knows where to look first.</summary>
    private static string Cause(RestoreWindow window, DateTimeOffset now) => window.Stream switch
    {
        null => "No node has ever streamed: start a `server` with WAL_STREAM=1.",
        { } s when now - s.HeartbeatAt > HeartbeatLost =>
            $"No node is streaming: {s.Node} last reported {Span(now - s.HeartbeatAt)} ago. Start a `server` with WAL_STREAM=1, or find why it stopped.",
        { LastError: { } error } s => $"{s.Node} streams but cannot ship; its last error: {error} ({s.QueuedSegments} segment(s) wait in its spool).",
        { } s => $"{s.Node} streams, {s.QueuedSegments} segment(s) wait in its spool: `backup list` shows the stream's state.",
    };

    /// <summary>"42 s", "7 min", "3.5 h": an age at the scale a person reads it.</summary>
    internal static string Span(TimeSpan span) => span.TotalSeconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min"),
        _ => RpoWatch.Hours(span),
    };
}
