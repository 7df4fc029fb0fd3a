namespace LeoPass.Recovery.Backup.CustomFormat;

/// <summary>One TOC entry's data-offset field: where it is in the archive and what it says.</summary>
/// <param name="DumpId">The entry's dump ID, which its data block repeats.</param>
/// <param name="FieldPosition">The archive position of the field: a state byte, then the offset.</param>
/// <param name="State">1: offset not set (pg_dump wrote to a pipe); 2: set; 3: the entry has no data.</param>
internal readonly record struct DataOffsetField(int DumpId, long FieldPosition, byte State);

/// <summary>
/// The header and table of contents of a pg_dump custom-format archive, read only as far as
/// the data-offset fields need: the sizes of integers and offsets, each entry's dump ID and the
/// position of its offset field, and where the data blocks begin.
/// </summary>
/// <remarks>
/// The layout is pg_dump's (src/bin/pg_dump/pg_backup_archiver.c, WriteHead and WriteToc, and
/// pg_backup_custom.c). Only archive versions 1.12 to 1.16 (pg_dump 9.0 to 17) are read; any
/// other version is left alone, since a field added in a later version would shift every
/// position after it.
/// </remarks>
internal sealed record ArchiveTableOfContents(int IntSize, int OffsetSize, IReadOnlyList<DataOffsetField> Fields, long DataStart)
{
    public const byte OffsetNotSet = 1;
    public const byte OffsetSet = 2;
    public const byte OffsetNoData = 3;

    private const byte CustomFormat = 1;
    private static readonly int OldestVersion = Version(1, 12), NewestVersion = Version(1, 16);
    private static readonly int TableAccessMethodVersion = Version(1, 14), CompressionByteVersion = Version(1, 15), RelKindVersion = Version(1, 16);

    private static int Version(int major, int minor) => (major << 8) | minor;

    /// <summary>What reading the start of an archive came to.</summary>
    public readonly record struct ParseResult(ArchiveTableOfContents? Contents, bool NeedsMoreBytes, string? Unsupported);

    /// <summary>Reads the header and TOC from the archive's first bytes, or says that more are needed, or why it cannot.</summary>
    public static ParseResult TryParse(ReadOnlySpan<byte> archiveStart)
    {
        var cursor = new Cursor(archiveStart);
        try
        {
            return Parse(ref cursor);
        }
        catch (IncompleteException)
        {
            return new ParseResult(null, NeedsMoreBytes: true, null);
        }
    }

    private static ParseResult Parse(ref Cursor cursor)
    {
        if (!cursor.Take(5).SequenceEqual("PGDMP"u8)) return Unsupported("it does not start with PGDMP");
        var major = cursor.Byte();
        var minor = cursor.Byte();
        cursor.Byte(); // revision: never changes the layout
        var version = Version(major, minor);
        if (version < OldestVersion || version > NewestVersion) return Unsupported($"archive version {major}.{minor} is not one this version knows (1.12 to 1.16)");
        cursor.IntSize = cursor.Byte();
        var offsetSize = cursor.Byte();
        if (cursor.IntSize is < 1 or > 8 || offsetSize is < 1 or > 8) return Unsupported($"integer size {cursor.IntSize} and offset size {offsetSize} are not plausible");
        if (cursor.Byte() != CustomFormat) return Unsupported("it is not a custom-format archive");
        if (version >= CompressionByteVersion) cursor.Byte();
        else cursor.Int();
        for (var i = 0; i < 7; i++) cursor.Int(); // the creation time, field by field
        for (var i = 0; i < 3; i++) cursor.SkipString(); // database name, server version, pg_dump version

        var count = cursor.Int();
        if (count is < 0 or > int.MaxValue) return Unsupported($"a TOC of {count} entries is not plausible");
        var fields = new List<DataOffsetField>((int)Math.Min(count, 100_000));
        for (var i = 0; i < count; i++)
        {
            var dumpId = cursor.Int();
            if (dumpId is <= 0 or > int.MaxValue) return Unsupported($"TOC entry {i} has dump ID {dumpId}");
            cursor.Int(); // had a data dumper
            for (var s = 0; s < 4; s++) cursor.SkipString(); // table OID, OID, tag, description
            cursor.Int(); // section
            for (var s = 0; s < 5; s++) cursor.SkipString(); // definition, drop statement, COPY statement, schema, tablespace
            if (version >= TableAccessMethodVersion) cursor.SkipString();
            if (version >= RelKindVersion) cursor.Int();
            cursor.SkipString(); // owner
            cursor.SkipString(); // the old "with OIDs" flag
            while (cursor.SkipString()) { } // dependencies, up to a null string
            var position = cursor.Position;
            var state = cursor.Byte();
            if (state is not (OffsetNotSet or OffsetSet or OffsetNoData)) return Unsupported($"TOC entry {dumpId} has data-offset state {state}");
            cursor.Take(offsetSize);
            fields.Add(new DataOffsetField((int)dumpId, position, state));
        }
        return new ParseResult(new ArchiveTableOfContents(cursor.IntSize, offsetSize, fields, cursor.Position), false, null);
    }

    private static ParseResult Unsupported(string reason) => new(null, false, reason);

    private sealed class IncompleteException : Exception;

    /// <summary>Reads pg_dump's encodings: an integer is a sign byte then IntSize bytes, least significant first; a string is its length (-1: null) then its bytes.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        public int Position { get; private set; }
        public int IntSize { get; set; }

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || _bytes.Length - Position < count) throw new IncompleteException();
            var taken = _bytes.Slice(Position, count);
            Position += count;
            return taken;
        }

        public byte Byte() => Take(1)[0];

        public long Int() => ArchiveIntegers.Read(Take(1 + IntSize));

        /// <returns>False for a null string.</returns>
        public bool SkipString()
        {
            var length = Int();
            if (length < 0) return false;
            if (length > int.MaxValue) throw new IncompleteException();
            Take((int)length);
            return true;
        }
    }
}
