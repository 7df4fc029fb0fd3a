
namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>When this machine last booted, from Linux's /proc/stat ("btime", seconds since the epoch).</summary>
public static class SystemBoot
{
    private static readonly Lazy<DateTimeOffset?> BootTime = new(Read);

    /// <summary>The boot time, or null where it cannot be read (not Linux).</summary>
    public static DateTimeOffset? TimeUtc() => BootTime.Value;

    private static DateTimeOffset? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
            return line is not null && long.TryParse(line.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
