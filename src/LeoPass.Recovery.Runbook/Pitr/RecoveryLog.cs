using System.Text.RegularExpressions;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// What a recovering server's log says about how recovery ended, in PostgreSQL 15's words: where
/// it stopped for the target, whether it ended short of it, which WAL file restore_command could
/// not restore, which timeline it chose. The proof of a restore reads these lines.
/// </summary>
public sealed partial record RecoveryLog(string Text)
{
    /// <summary>"recovery stopping before commit of transaction 745, time 2026-12-07 15:20:03.123456+00": the first commit after a time target.</summary>
    public DateTimeOffset? StoppedBeforeCommitAt =>
        StopBefore().Match(Text) is { Success: true } m ? ParseTime(m.Groups[1].Value) : null;

    /// <summary>"recovery stopping after WAL location (LSN) "0/3000060"".</summary>
    public Lsn? StoppedAfterLocation => StopAfterLsn().Match(Text) is { Success: true } m && Lsn.TryParse(m.Groups[1].Value, out var lsn) ? lsn : null;

    public bool EndedBeforeTarget => Text.Contains("recovery ended before configured recovery target was reached", StringComparison.Ordinal);

    /// <summary>The WAL file restore_command failed on so that recovery aborted ("could not restore file … from archive").</summary>
    public string? FailedToRestore => CouldNotRestore().Matches(Text) is { Count: > 0 } m ? m[^1].Groups[1].Value : null;

    public uint? NewTimeline => NewTimelineLine().Matches(Text) is { Count: > 0 } m ? uint.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>The FATAL and PANIC lines, for a halt's message.</summary>
    public IEnumerable<string> Fatal => Text.Split('\n').Where(l => l.Contains("FATAL:", StringComparison.Ordinal) || l.Contains("PANIC:", StringComparison.Ordinal)).Select(l => l.Trim());

    private static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm:ss.FFFFFFzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzzz", "yyyy-MM-dd HH:mm:sszz"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    [GeneratedRegex(@"recovery stopping before (?:commit|abort) of transaction \d+, time ([0-9: .+-]+)")]
    private static partial Regex StopBefore();

    [GeneratedRegex(@"recovery stopping after WAL location \(LSN\) ""([0-9A-F]+/[0-9A-F]+)""")]
    private static partial Regex StopAfterLsn();

    [GeneratedRegex(@"could not restore file ""([0-9A-F]{24}|[0-9A-F]{8}\.history)"" from archive")]
    private static partial Regex CouldNotRestore();

    [GeneratedRegex(@"selected new timeline ID: (\d+)")]
    private static partial Regex NewTimelineLine();
}
