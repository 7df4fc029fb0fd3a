using System.Globalization;
using System.Text.RegularExpressions;
using LeoPass.Recovery.Backup.Streams;
using LeoPass.Recovery.Backup.Wal;

namespace LeoPass.Recovery.Backup.BaseBackups;

/// <summary>
/// Passes pg_basebackup's tar through unchanged while reading, as it flows, the two entries that
/// say where the backup's WAL starts and ends: <c>backup_label</c> (start location and timeline)
/// and <c>backup_manifest</c> (its WAL-Ranges: the end location). pg_basebackup writing to stdout
/// prints neither, and the tar is never on local disk to read afterwards.
/// </summary>
/// <remarks>pg_basebackup writes ustar headers (names up to 99 characters, octal or base-256 sizes); nothing else is needed here.</remarks>
public sealed partial class BackupLabelTap(Stream inner) : WriteOnlyStream
{
    private const int Block = 512;
    // The manifest lists every file; its WAL-Ranges sit at its end, so only the end is kept.
    private const int ManifestTailBytes = 64 * 1024;

    private readonly byte[] _header = new byte[Block];
    private int _headerFill;
    private long _dataLeft;
    private long _paddingLeft;
    private MemoryStream? _capture;
    private string? _capturing;
    private readonly StringBuilder _label = new();
    private readonly Queue<byte[]> _manifestTail = new();
    private int _manifestTailBytes;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Inspect(buffer);
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Inspect(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    /// <summary>What the label and manifest said; throws when the tar carried neither (not a pg_basebackup tar).</summary>
    public (Lsn Start, uint Timeline, Lsn End) WalRange()
    {
        var label = _label.ToString();
        var start = StartLocation().Match(label);
        var timeline = StartTimeline().Match(label);
        var tail = Encoding.UTF8.GetString([.. _manifestTail.SelectMany(b => b)]);
        var ranges = WalRanges().Matches(tail);
        if (!start.Success || !timeline.Success || ranges.Count == 0)
        {
            throw new BackupException("pg_basebackup's tar had no backup_label or no WAL-Ranges in its backup_manifest: cannot tell which WAL the backup needs") { Stage = "dump" };
        }
        return (Lsn.Parse(start.Groups[1].Value), uint.Parse(timeline.Groups[1].Value, CultureInfo.InvariantCulture), Lsn.Parse(ranges[^1].Groups[1].Value));
    }

    private void Inspect(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_dataLeft > 0)
            {
                var take = (int)Math.Min(_dataLeft, data.Length);
                Capture(data[..take]);
                _dataLeft -= take;
                data = data[take..];
                if (_dataLeft == 0) FinishEntry();
                continue;
            }
            if (_paddingLeft > 0)
            {
                var skip = (int)Math.Min(_paddingLeft, data.Length);
                _paddingLeft -= skip;
                data = data[skip..];
                continue;
            }
            var want = Math.Min(Block - _headerFill, data.Length);
            data[..want].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += want;
            data = data[want..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                StartEntry();
            }
        }
    }

    private void StartEntry()
    {
        if (_header.All(b => b == 0)) return; // end-of-archive blocks
        var name = Encoding.UTF8.GetString(_header.AsSpan(0, 100)).TrimEnd('\0');
        var prefix = Encoding.UTF8.GetString(_header.AsSpan(345, 155)).TrimEnd('\0');
        if (prefix.Length > 0) name = prefix + "/" + name;
        var size = ReadSize(_header.AsSpan(124, 12));
        _dataLeft = size;
        _paddingLeft = (Block - size % Block) % Block;
        _capturing = name is "backup_label" or "backup_manifest" ? name : null;
        _capture = _capturing is null ? null : new MemoryStream();
        if (size == 0) FinishEntry();
    }

    private void Capture(ReadOnlySpan<byte> data)
    {
        if (_capturing == "backup_label")
        {
            _capture!.Write(data);
        }
        else if (_capturing == "backup_manifest")
        {
            _manifestTail.Enqueue(data.ToArray());
            _manifestTailBytes += data.Length;
            while (_manifestTailBytes - _manifestTail.Peek().Length >= ManifestTailBytes) _manifestTailBytes -= _manifestTail.Dequeue().Length;
        }
    }

    private void FinishEntry()
    {
        if (_capturing == "backup_label") _label.Append(Encoding.UTF8.GetString(_capture!.ToArray()));
        _capturing = null;
        _capture = null;
    }

    private static long ReadSize(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7F;
            foreach (var b in field[1..]) value = (value << 8) | b;
            return value;
        }
        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        return text.Length == 0 ? 0 : Convert.ToInt64(text, 8);
    }

    [GeneratedRegex(@"START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+)")]
    private static partial Regex StartLocation();

    [GeneratedRegex(@"START TIMELINE: (\d+)")]
    private static partial Regex StartTimeline();

    [GeneratedRegex(@"""End-LSN"": ""([0-9A-F]+/[0-9A-F]+)""")]
    private static partial Regex WalRanges();
}
