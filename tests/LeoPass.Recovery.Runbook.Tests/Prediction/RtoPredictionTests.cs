using LeoPass.Recovery.Runbook.Prediction;
using LeoPass.Recovery.Runbook.Watchdog;

namespace LeoPass.Recovery.Runbook.Tests.Prediction;

public sealed class RtoPredictionTests
{
    private const long MiB = 1024 * 1024;
    private static readonly DateTimeOffset At = new(2026, 12, 7, 2, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Target = TimeSpan.FromHours(2);

    private static ThroughputSample Sample(long bytes, double seconds) => new(1, "verify-restore", bytes, TimeSpan.FromSeconds(seconds), At);

    /// <summary>Three nights measured at 10, 20 and 40 MiB/s for the download, 5, 5 and 10 MiB/s for the restore.</summary>
    private static readonly ThroughputSample[] Downloads = [Sample(1000 * MiB, 100), Sample(2000 * MiB, 100), Sample(4000 * MiB, 100)];
    private static readonly ThroughputSample[] Restores = [Sample(1000 * MiB, 200), Sample(1000 * MiB, 200), Sample(2000 * MiB, 200)];

    [Fact]
    public void Three_samples_of_known_throughput_predict_fixed_time_plus_size_over_their_byte_weighted_throughput()
    {
        var fixedTime = TimeSpan.FromMinutes(10);
        var prediction = RtoPrediction.Compute(Downloads, Restores, fixedTime, "as in the last drill", "leopass-k", storedBytes: 7000 * MiB, dumpBytes: 12000 * MiB, Target)!;

        // Download: 7000 MiB moved in 300 s → 23.33 MiB/s; today's 7000 MiB take 300 s.
        // Restore: 4000 MiB in 600 s → 6.67 MiB/s; today's 12 000 MiB take 1800 s.
        Assert.Equal(7000.0 * MiB / 300, prediction.DownloadBytesPerSecond, 6);
        Assert.Equal(4000.0 * MiB / 600, prediction.RestoreBytesPerSecond, 6);
        Assert.Equal(300, prediction.Download.TotalSeconds, 6);
        Assert.Equal(1800, prediction.Restore.TotalSeconds, 6);
        Assert.Equal(600 + 300 + 1800, prediction.Predicted.TotalSeconds, 6);
        Assert.Equal(3, prediction.DownloadSamples);
        Assert.False(prediction.AtRisk);
    }

    [Theory]
    [InlineData(0.79, false, false)]
    [InlineData(0.80, true, false)]
    [InlineData(0.99, true, false)]
    [InlineData(1.01, true, true)]
    public void The_warning_trips_at_80_percent_of_the_target_and_the_alert_past_it(double share, bool atRisk, bool overTarget)
    {
        // No fixed time and a download too small to count: the restore alone makes the share of the 2 h target.
        var restoreSeconds = Target.TotalSeconds * share;
        // Rounded up to whole bytes: the prediction lands on the share or a byte's time past it.
        var dumpBytes = (long)Math.Ceiling(restoreSeconds * (4000.0 * MiB / 600));
        var prediction = RtoPrediction.Compute(Downloads, Restores, TimeSpan.Zero, "none", "leopass-k", storedBytes: 0, dumpBytes: dumpBytes, Target)!;

        Assert.Equal(restoreSeconds, prediction.Predicted.TotalSeconds, 0);
        Assert.Equal(atRisk, prediction.AtRisk);
        Assert.Equal(overTarget, prediction.OverTarget);
        Assert.Equal(overTarget ? WatchLevel.Breach : atRisk ? WatchLevel.Warning : WatchLevel.Ok, PredictedRtoWatch.Judge(prediction).Level);
    }

    [Fact]
    public void Without_a_download_or_a_restore_sample_there_is_no_prediction()
    {
        Assert.Null(RtoPrediction.Compute([], Restores, TimeSpan.Zero, "none", "k", 1, 1, Target));
        Assert.Null(RtoPrediction.Compute(Downloads, [], TimeSpan.Zero, "none", "k", 1, 1, Target));
    }
}
