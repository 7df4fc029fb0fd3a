using System.Globalization;
using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Backup.Artefacts;

/// <summary>
/// The name of a file in pg_wal, as PostgreSQL names it and asks restore_command for it: a segment
/// (<c>000000010000000000000003</c>: timeline, then the segment number split in two 32-bit halves)
/// or a timeline history file (<c>00000002.history</c>). Segment arithmetic needs the cluster's
/// segment size (16 MiB unless initdb was told otherwise).
/// </summary>
public sealed partial record WalFileName
{
    public const long DefaultSegmentBytes = 16L << 20;

    private WalFileName(string name, uint timeline, ulong? segmentNumber)
    {
        Name = name;
        Timeline = timeline;
        SegmentNumber = segmentNumber;
    }

    public string Name { get; }
    public uint Timeline { get; }

    /// <summary>The segment's number on its timeline; null for a history file.</summary>
    public ulong? SegmentNumber { get; }

    public bool IsHistory => SegmentNumber is null;

    public static bool TryParse(string name, long segmentBytes, out WalFileName? file)
    {
        file = null;
        if (HistoryName().Match(name) is { Success: true } history)
        {
            file = new WalFileName(name, uint.Parse(history.Groups[1].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), null);
            return true;
        }
        if (SegmentName().Match(name) is not { Success: true } segment) return false;
        var timeline = uint.Parse(segment.Groups[1].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var high = ulong.Parse(segment.Groups[2].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var low = ulong.Parse(segment.Groups[3].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var perId = SegmentsPerId(segmentBytes);
        if (low >= perId) return false;
        file = new WalFileName(name, timeline, high * perId + low);
        return true;
    }

    public static WalFileName Parse(string name, long segmentBytes) =>
        TryParse(name, segmentBytes, out var file) ? file! : throw new FormatException($"'{name}' is not a WAL segment or timeline history file name");

    /// <summary>The segment that holds <paramref name="lsn"/> on <paramref name="timeline"/>.</summary>
    public static WalFileName SegmentOf(uint timeline, Lsn lsn, long segmentBytes) => Segment(timeline, lsn.Value / (ulong)segmentBytes, segmentBytes);

    public static WalFileName Segment(uint timeline, ulong segmentNumber, long segmentBytes)
    {
        var perId = SegmentsPerId(segmentBytes);
        return new WalFileName(string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}{segmentNumber / perId:X8}{segmentNumber % perId:X8}"), timeline, segmentNumber);
    }

    public static WalFileName History(uint timeline) => new(string.Create(CultureInfo.InvariantCulture, $"{timeline:X8}.history"), timeline, null);

    /// <summary>The first location in this segment.</summary>
    public Lsn StartLsn(long segmentBytes) => new(RequireSegment() * (ulong)segmentBytes);

    /// <summary>The first location after this segment (where the next one starts).</summary>
    public Lsn EndLsn(long segmentBytes) => new((RequireSegment() + 1) * (ulong)segmentBytes);

    public WalFileName Next(long segmentBytes) => Segment(Timeline, RequireSegment() + 1, segmentBytes);

    public override string ToString() => Name;

    private ulong RequireSegment() => SegmentNumber ?? throw new InvalidOperationException($"{Name} is a timeline history file, not a segment");

    private static ulong SegmentsPerId(long segmentBytes) => 0x1_0000_0000UL / (ulong)segmentBytes;

    [GeneratedRegex("^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$")]
    private static partial Regex SegmentName();

    [GeneratedRegex(@"^([0-9A-F]{8})\.history$")]
    private static partial Regex HistoryName();
}
