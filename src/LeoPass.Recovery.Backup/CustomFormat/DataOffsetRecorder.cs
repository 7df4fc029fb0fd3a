using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace LeoPass.Recovery.Backup.CustomFormat;

/// <summary>A write into the archive file: the offset field of TOC entry <paramref name="DumpId"/>, its new bytes at its position.</summary>
public sealed record OffsetFieldWrite(long Position, byte[] Bytes, int DumpId)
{
    /// <summary>The offset these bytes give: where pg_restore will expect this entry's block.</summary>
    public long Offset => ArchiveIntegers.ReadOffset(Bytes.AsSpan(1));
}

/// <summary>What recording the data offsets came to: the writes that give the TOC its offsets (none when it cannot), and a sentence saying which.</summary>
public sealed record DataOffsetIndex(IReadOnlyList<OffsetFieldWrite> Writes, string Description, int IntSize = 4)
{
    /// <summary>
    /// Writes the offset fields into the archive file, which must hold exactly the bytes the
    /// recorder saw and be open for reading and writing. Then reads, at every offset, the block
    /// header pg_restore will check (block type and dump ID), and on any mismatch puts the
    /// original bytes back: the file ends either as <c>pg_dump --file</c> writes it or as it was.
    /// </summary>
    /// <returns>What the file's TOC holds now.</returns>
    public string WriteInto(SafeFileHandle archiveFile)
    {
        if (Writes.Count == 0) return Description;
        var originals = new List<byte[]>();
        foreach (var write in Writes)
        {
            var original = new byte[write.Bytes.Length];
            if (RandomAccess.Read(archiveFile, original, write.Position) != original.Length || original[0] != ArchiveTableOfContents.OffsetNotSet)
            {
                return $"left without data offsets: the file does not hold the archive that was read (TOC entry {write.DumpId})";
            }
            originals.Add(original);
        }
        foreach (var write in Writes) RandomAccess.Write(archiveFile, write.Bytes, write.Position);

        var header = new byte[2 + IntSize];
        foreach (var write in Writes)
        {
            var read = RandomAccess.Read(archiveFile, header, write.Offset);
            if (read == header.Length && header[0] is DataOffsetRecorder.DataBlock or DataOffsetRecorder.LargeObjectsBlock
                && ArchiveIntegers.Read(header.AsSpan(1)) == write.DumpId) continue;
            for (var i = 0; i < Writes.Count; i++) RandomAccess.Write(archiveFile, originals[i], Writes[i].Position);
            return $"left without data offsets: byte {write.Offset} does not start TOC entry {write.DumpId}'s block (checked after writing; the TOC is back as pg_dump wrote it)";
        }
        return Description;
    }
}

/// <summary>
/// Watches a pg_dump custom-format archive go by and records where each data block starts, so
/// that once the archive is a file its TOC can be given the data offsets pg_dump itself writes
/// only when its output is a seekable file. Our backups stream pg_dump's output, so their TOC
/// has none: without them, <c>pg_restore --jobs</c> finds each table's data by reading through
/// the blocks before it (one block header per row), and schedules tables in TOC order rather
/// than largest first. With them, the file is byte for byte what <c>pg_dump --file</c> would have
/// written, apart from the creation time in the header.
/// </summary>
/// <remarks>
/// An optimisation that must never cost a restore: anything unexpected (an archive version it
/// does not know, a block it cannot account for, an archive that ends mid-block) leaves the file
/// as pg_dump wrote it, with <see cref="DataOffsetIndex.Description"/> saying why; and every offset
/// written is checked against the block it points at, as pg_restore would, before it is kept
/// (<see cref="DataOffsetIndex.WriteInto"/>). Only an I/O error while patching the file fails
/// the read, since the file may then be half patched.
/// </remarks>
public sealed class DataOffsetRecorder
{
    internal const byte DataBlock = 1;
    internal const byte LargeObjectsBlock = 3;
    // A TOC larger than this is not waited for: the restore goes ahead without offsets.
    private const int MaxTableOfContentsBytes = 128 << 20;

    private enum Expect { BlockType, BlockId, ChunkLength, ChunkBody, LargeObjectId }

    private ArrayBufferWriter<byte>? _head = new();
    private int _headLengthAtLastParse;
    private ArchiveTableOfContents? _toc;
    private Dictionary<int, DataOffsetField> _fields = [];
    private readonly Dictionary<int, long> _blockStarts = [];
    private string? _gaveUp;

    private long _position;
    private Expect _expect = Expect.BlockType;
    private bool _inLargeObjects;
    private long _blockStart;
    private long _bodyRemaining;
    private readonly byte[] _intBytes = new byte[9];
    private int _intFilled;

    /// <summary>The archive's next bytes, in order. Never throws: a failure only means no offsets.</summary>
    public void Observe(ReadOnlySpan<byte> bytes)
    {
        if (_gaveUp is not null || bytes.IsEmpty) return;
        try
        {
            if (_toc is null) ObserveHead(bytes);
            else ScanData(bytes);
        }
        catch (Exception e)
        {
            GiveUp($"reading the archive's structure failed: {e.Message}");
        }
    }

    private void ObserveHead(ReadOnlySpan<byte> bytes)
    {
        var head = _head!;
        if (head.WrittenCount + bytes.Length > MaxTableOfContentsBytes)
        {
            GiveUp($"its table of contents is larger than {MaxTableOfContentsBytes >> 20} MiB");
            return;
        }
        head.Write(bytes);
        // Parsed again from the start only when the buffer has doubled: linear in the TOC's size.
        if (head.WrittenCount >= 2 * _headLengthAtLastParse) ParseHead();
    }

    private void ParseHead()
    {
        _headLengthAtLastParse = _head!.WrittenCount;
        var buffered = _head.WrittenSpan;
        var parsed = ArchiveTableOfContents.TryParse(buffered);
        if (parsed.Unsupported is not null)
        {
            GiveUp(parsed.Unsupported);
            return;
        }
        if (parsed.Contents is null) return;
        _toc = parsed.Contents;
        foreach (var field in _toc.Fields)
        {
            if (_fields.TryAdd(field.DumpId, field)) continue;
            GiveUp($"its table of contents repeats dump ID {field.DumpId}");
            return;
        }
        _position = _toc.DataStart;
        var rest = buffered[(int)_toc.DataStart..].ToArray();
        _head = null;
        ScanData(rest);
    }

    private void ScanData(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length && _gaveUp is null)
        {
            switch (_expect)
            {
                case Expect.ChunkBody:
                    var skipped = (int)Math.Min(_bodyRemaining, bytes.Length - i);
                    i += skipped;
                    _position += skipped;
                    _bodyRemaining -= skipped;
                    if (_bodyRemaining == 0) _expect = Expect.ChunkLength;
                    break;
                case Expect.BlockType:
                    var type = bytes[i];
                    _blockStart = _position;
                    i++;
                    _position++;
                    if (type is not (DataBlock or LargeObjectsBlock))
                    {
                        GiveUp($"it has a block of unknown type {type} at byte {_blockStart}");
                        return;
                    }
                    _inLargeObjects = type == LargeObjectsBlock;
                    _expect = Expect.BlockId;
                    break;
                case Expect.ChunkLength when _intFilled == 0 && _toc!.IntSize == 4:
                    SkipWholeChunks(bytes, ref i);
                    break;
                default:
                    if (!TryTakeInt(bytes, ref i, out var value)) return;
                    OnInt(value);
                    break;
            }
        }
    }

    /// <summary>
    /// The hot loop: a data block is one chunk per row, each a 5-byte length then the row, so a
    /// 500 MB dump has a million of them. Skips every chunk wholly in <paramref name="bytes"/>;
    /// anything else (a length split across writes, a chunk running on, the end of the block)
    /// is left to the general state machine.
    /// </summary>
    private void SkipWholeChunks(ReadOnlySpan<byte> bytes, ref int i)
    {
        var start = i;
        while (bytes.Length - i >= 5 && bytes[i] == 0)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(i + 1, 4));
            if (length == 0 || length > int.MaxValue || bytes.Length - i - 5 < length) break;
            i += 5 + (int)length;
        }
        _position += i - start;
        if (i == start)
        {
            // Not a whole non-empty chunk: one integer the slow way.
            if (TryTakeInt(bytes, ref i, out var value)) OnInt(value);
        }
    }

    /// <summary>Takes one integer, which may span two calls.</summary>
    private bool TryTakeInt(ReadOnlySpan<byte> bytes, ref int i, out long value)
    {
        var length = 1 + _toc!.IntSize;
        if (_intFilled == 0 && bytes.Length - i >= length)
        {
            value = ArchiveIntegers.Read(bytes.Slice(i, length));
            i += length;
            _position += length;
            return true;
        }
        var taken = Math.Min(length - _intFilled, bytes.Length - i);
        bytes.Slice(i, taken).CopyTo(_intBytes.AsSpan(_intFilled));
        _intFilled += taken;
        i += taken;
        _position += taken;
        value = 0;
        if (_intFilled < length) return false;
        value = ArchiveIntegers.Read(_intBytes.AsSpan(0, length));
        _intFilled = 0;
        return true;
    }

    private void OnInt(long value)
    {
        switch (_expect)
        {
            case Expect.BlockId:
                if (value is <= 0 or > int.MaxValue || !_fields.TryGetValue((int)value, out var field))
                {
                    GiveUp($"the block at byte {_blockStart} belongs to dump ID {value}, which is not in the TOC");
                    return;
                }
                if (field.State == ArchiveTableOfContents.OffsetNoData || !_blockStarts.TryAdd(field.DumpId, _blockStart))
                {
                    GiveUp($"the block at byte {_blockStart} belongs to dump ID {value}, which has no data or a block already");
                    return;
                }
                _expect = _inLargeObjects ? Expect.LargeObjectId : Expect.ChunkLength;
                break;
            case Expect.ChunkLength:
                if (value < 0)
                {
                    GiveUp($"a data chunk near byte {_position} has length {value}");
                    return;
                }
                _bodyRemaining = value;
                _expect = value > 0 ? Expect.ChunkBody : _inLargeObjects ? Expect.LargeObjectId : Expect.BlockType;
                break;
            case Expect.LargeObjectId:
                // Each large object is its OID then its chunks; an OID of 0 ends the block.
                _expect = value == 0 ? Expect.BlockType : Expect.ChunkLength;
                break;
        }
    }

    private void GiveUp(string reason)
    {
        _gaveUp ??= reason;
        _head = null; // a TOC near the size cap is not kept for the rest of the download
    }

    /// <summary>Once the whole archive has been observed: the offset writes, or why there are none.</summary>
    public DataOffsetIndex Finish()
    {
        if (_toc is null && _gaveUp is null && _head is not null)
        {
            try
            {
                ParseHead();
            }
            catch (Exception e)
            {
                GiveUp($"reading the archive's structure failed: {e.Message}");
            }
        }
        if (_gaveUp is not null) return NoOffsets(_gaveUp);
        if (_toc is null) return NoOffsets("the archive ended inside its table of contents");
        if (_expect != Expect.BlockType || _intFilled != 0) return NoOffsets($"the archive ended inside a data block, at byte {_position}");

        var writes = new List<OffsetFieldWrite>();
        foreach (var field in _toc.Fields.Where(f => f.State == ArchiveTableOfContents.OffsetNotSet))
        {
            if (!_blockStarts.TryGetValue(field.DumpId, out var start)) return NoOffsets($"TOC entry {field.DumpId} has data but no data block");
            if (_toc.OffsetSize < 8 && start >> (8 * _toc.OffsetSize) != 0) return NoOffsets($"offset {start} does not fit the archive's {_toc.OffsetSize}-byte offsets");
            writes.Add(new OffsetFieldWrite(field.FieldPosition, ArchiveIntegers.OffsetField(ArchiveTableOfContents.OffsetSet, start, _toc.OffsetSize), field.DumpId));
        }
        return writes.Count == 0
            ? new DataOffsetIndex([], "the archive already had its data offsets")
            : new DataOffsetIndex(writes, $"data offsets written into the TOC for {writes.Count} data blocks", _toc.IntSize);
    }

    private static DataOffsetIndex NoOffsets(string reason) => new([], $"left without data offsets: {reason}");
}
