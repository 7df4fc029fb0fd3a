using LeoPass.Recovery.Core.Targets;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>
/// The newest recovery point's age against the 24 h RPO: a warning at 80 % (19.2 h), a breach at
/// 100 %. With no recovery point at all it counts from when the watch began — so it fires even when
/// no backup run was ever started, but not in the first minute of a new installation.
/// </summary>
public sealed class RpoWatch(IEnumerable<IRecoveryPointSource> sources) : IWatch
{
    private readonly IRecoveryPointSource[] _sources = sources.ToArray();

    public string Name => "rpo";

    public async Task<WatchReading> ReadAsync(DateTimeOffset now, DateTimeOffset watchingSince, CancellationToken cancellationToken) =>
        Judge(await NewestAsync(cancellationToken), now, watchingSince);

    /// <summary>The newest recovery point of every source, or null when none holds one.</summary>
    public async Task<RecoveryPoint?> NewestAsync(CancellationToken cancellationToken)
    {
        RecoveryPoint? newest = null;
        foreach (var source in _sources)
        {
            if (await source.NewestAsync(cancellationToken) is { } point && (newest is null || point.At > newest.At)) newest = point;
        }
        return newest;
    }

    public static WatchReading Judge(RecoveryPoint? newest, DateTimeOffset now, DateTimeOffset watchingSince)
    {
        var target = RecoveryTargets.RecoveryPointObjective;
        var age = now - (newest?.At ?? watchingSince);
        var level = WatchReading.LevelOf(age, target);
        var what = newest is null
            ? $"no verified backup at all (watching since {watchingSince.UtcDateTime:yyyy-MM-dd HH:mm}Z, {Hours(age)} ago)"
            : $"the newest recovery point, {newest.Description}, is {Hours(age)} old";
        var headline = level switch
        {
            WatchLevel.Breach => $"RPO breached: {what}, past the {Hours(target)} RPO: a restore now would lose more than that. Run `backup run` and find out why the nightly backup did not land.",
            WatchLevel.Warning => $"RPO at risk: {what}, {Percent(age, target)} of the {Hours(target)} RPO; the next backup must land within {Hours(target - age)}.",
            _ => $"RPO within target: {what} ({Percent(age, target)} of {Hours(target)}).",
        };
        return new WatchReading(level, headline);
    }

    internal static string Hours(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.0} h");

    internal static string Percent(TimeSpan part, TimeSpan whole) => string.Create(CultureInfo.InvariantCulture, $"{part / whole * 100:0} %");
}
