namespace LeoPass.Recovery.Runbook.Prediction;

/// <summary>One measured transfer: <paramref name="Bytes"/> moved by one step attempt in <paramref name="Duration"/>.</summary>
public sealed record ThroughputSample(long RunId, string DefinitionId, long Bytes, TimeSpan Duration, DateTimeOffset At)
{
    public double BytesPerSecond => Duration > TimeSpan.Zero ? Bytes / Duration.TotalSeconds : double.PositiveInfinity;
}

/// <summary>
/// How long a restore of today's backup would take, from what was measured:
/// <c>predicted = fixed + storedBytes × s/B(download) + dumpBytes × s/B(restore)</c>, where each
/// seconds-per-byte is the samples' total time over their total bytes (a large sample weighs more
/// than a small one), and <c>fixed</c> is the rest of a drill's RTO — everything but downloading
/// and restoring (provision, migrations, validation, gates, overhead) — taken from the last drills.
/// </summary>
/// <param name="FixedBasis">What the fixed time comes from: "as in the last drill", "mean of the last 3 drills", "no drill yet, not counted".</param>
public sealed record RtoPrediction(
    TimeSpan Predicted,
    TimeSpan Target,
    TimeSpan Download,
    TimeSpan Restore,
    TimeSpan Fixed,
    string FixedBasis,
    double DownloadBytesPerSecond,
    double RestoreBytesPerSecond,
    int DownloadSamples,
    int RestoreSamples,
    string BackupKey,
    long StoredBytes,
    long DumpBytes)
{
    /// <summary>From this share of the target on, the prediction warns: before any drill finds out.</summary>
    public const double WarningShare = 0.8;

    /// <summary>At or past 80 % of the target.</summary>
    public bool AtRisk => Predicted >= Target * WarningShare;

    public bool OverTarget => Predicted > Target;

    /// <summary>The prediction, or null when there is not a download and a restore sample yet.</summary>
    public static RtoPrediction? Compute(IReadOnlyList<ThroughputSample> downloads, IReadOnlyList<ThroughputSample> restores,
        TimeSpan fixedTime, string fixedBasis, string backupKey, long storedBytes, long dumpBytes, TimeSpan target)
    {
        if (downloads.Count == 0 || restores.Count == 0) return null;
        var downloadSecondsPerByte = SecondsPerByte(downloads);
        var restoreSecondsPerByte = SecondsPerByte(restores);
        var download = TimeSpan.FromSeconds(storedBytes * downloadSecondsPerByte);
        var restore = TimeSpan.FromSeconds(dumpBytes * restoreSecondsPerByte);
        return new RtoPrediction(fixedTime + download + restore, target, download, restore, fixedTime, fixedBasis,
            PerSecond(downloadSecondsPerByte), PerSecond(restoreSecondsPerByte), downloads.Count, restores.Count, backupKey, storedBytes, dumpBytes);
    }

    private static double SecondsPerByte(IReadOnlyList<ThroughputSample> samples)
    {
        var bytes = samples.Sum(s => (double)s.Bytes);
        return bytes > 0 ? samples.Sum(s => s.Duration.TotalSeconds) / bytes : 0;
    }

    private static double PerSecond(double secondsPerByte) => secondsPerByte > 0 ? 1 / secondsPerByte : 0;
}
