using System.Globalization;

namespace LeoPass.Recovery.Console.Shared;

/// <summary>How times, durations and sizes read everywhere in the console: UTC, with a relative age a person can take in at a glance.</summary>
public static class TimeFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    public static string UtcShort(DateTimeOffset at) => at.UtcDateTime.ToString("MM-dd HH:mm", Invariant);

    /// <summary>"3 h 12 min ago", "in 5 h 00 min", "just now".</summary>
    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var delta = now - at;
        if (delta.Duration() < TimeSpan.FromSeconds(5)) return "just now";
        return delta > TimeSpan.Zero ? $"{Duration(delta, coarse: true)} ago" : $"in {Duration(delta.Duration(), coarse: true)}";
    }

    /// <summary>"1 h 02 min", "4 min 05 s", "2.3 s", "120 ms"; coarse drops the seconds from hours and whole minutes from days.</summary>
    public static string Duration(TimeSpan value, bool coarse = false)
    {
        var d = value.Duration();
        if (d == TimeSpan.Zero) return "0 s";
        // Up to two days in hours: "24 h" reads faster than "1 d 0 h" against a 24 h RPO.
        if (d.TotalHours >= 48) return coarse ? $"{(int)d.TotalDays} d {d.Hours} h" : $"{(int)d.TotalDays} d {d.Hours} h {d.Minutes:00} min";
        if (d.TotalHours >= 1) return coarse && d.Minutes == 0 ? $"{(int)d.TotalHours} h" : $"{(int)d.TotalHours} h {d.Minutes:00} min";
        if (d.TotalMinutes >= 1) return coarse ? $"{(int)d.TotalMinutes} min" : $"{(int)d.TotalMinutes} min {d.Seconds:00} s";
        if (d.TotalSeconds >= 1) return coarse ? $"{(int)d.TotalSeconds} s" : string.Create(Invariant, $"{d.TotalSeconds:0.0} s");
        return coarse ? "under a second" : string.Create(Invariant, $"{d.TotalMilliseconds:0} ms");
    }

    public static string Seconds(double seconds) => Duration(TimeSpan.FromSeconds(seconds));

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(Invariant, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(Invariant, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(Invariant, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => $"{bytes} B",
    };
}
