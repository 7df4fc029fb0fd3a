using LeoPass.Recovery.Runbook.Backup;

namespace LeoPass.Recovery.Runbook.Tests.Backup;

public sealed class DumpDurationCheckTests
{
    private static readonly TimeSpan Warn = TimeSpan.FromMinutes(30);
    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    [Fact]
    public void A_dump_over_BACKUP_DURATION_WARN_is_slow_whatever_the_history()
    {
        Assert.Null(DumpDurationCheck.SlowBecause(Min(30), [], Warn));
        Assert.Equal("the dump took 31 min, over BACKUP_DURATION_WARN (30 min): check table bloat, long-running locks and the database server's load",
            DumpDurationCheck.SlowBecause(Min(31), [Min(30), Min(31), Min(32)], Warn));
    }

    [Fact]
    public void A_dump_more_than_50_percent_over_the_14_day_median_is_slow_even_under_the_threshold()
    {
        TimeSpan[] nights = [Min(4), Min(4), Min(5), Min(6), Min(40)];
        // Median 5 min: 7.5 min is exactly 50 % over, not more; 7.6 min is.
        Assert.Null(DumpDurationCheck.SlowBecause(Min(7.5), nights, Warn));
        Assert.Equal("the dump took 7.6 min, 52 % over the 14-day median of 5 min (5 dumps): check table bloat and what else ran",
            DumpDurationCheck.SlowBecause(Min(7.6), nights, Warn));
    }

    [Fact]
    public void Two_nights_are_too_few_for_a_median()
    {
        Assert.Null(DumpDurationCheck.SlowBecause(Min(20), [Min(1), Min(1)], Warn));
        Assert.NotNull(DumpDurationCheck.SlowBecause(Min(20), [Min(1), Min(1), Min(1)], Warn));
    }
}
