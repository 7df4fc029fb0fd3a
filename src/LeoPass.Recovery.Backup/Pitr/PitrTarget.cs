using System.Globalization;
using LeoPass.Recovery.Backup.Wal;

namespace LeoPass.Recovery.Backup.Pitr;

/// <summary>
/// Where a point-in-time restore stops: <c>latest</c> (everything shipped), a UTC time
/// (<c>2026-12-07T14:03:05Z</c>: every transaction committed at or before it, none after), or a WAL
/// location (<c>lsn:0/3000060</c>).
/// </summary>
public sealed record PitrTarget(DateTimeOffset? Time, Lsn? Location)
{
    public static readonly PitrTarget Latest = new(null, null);

    public bool IsLatest => Time is null && Location is null;

    public static PitrTarget Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Equals("latest", StringComparison.OrdinalIgnoreCase)) return Latest;
        if (text.StartsWith("lsn:", StringComparison.OrdinalIgnoreCase))
        {
            return Lsn.TryParse(text[4..], out var lsn) ? new PitrTarget(null, lsn)
                : throw new FormatException($"target '{text}': expected lsn: followed by a WAL location such as 0/3000060");
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return new PitrTarget(time, null);
        }
        throw new FormatException($"target '{text}' is not `latest`, a time (2026-12-07T14:03:05Z, UTC unless it names an offset) or `lsn:<WAL location>`");
    }

    public override string ToString() =>
        Time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) : Location is { } l ? $"lsn:{l}" : "latest";
}
