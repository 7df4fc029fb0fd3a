namespace LeoPass.Recovery.Backup.CustomFormat;

/// <summary>pg_dump's encodings of integers and file offsets in a custom-format archive.</summary>
internal static class ArchiveIntegers
{
    /// <summary>An integer: a sign byte (1: negative) then the magnitude, least significant byte first.</summary>
    public static long Read(ReadOnlySpan<byte> signAndMagnitude)
    {
        ulong magnitude = 0;
        for (var i = signAndMagnitude.Length - 1; i >= 1; i--) magnitude = (magnitude << 8) | signAndMagnitude[i];
        var value = (long)(magnitude & long.MaxValue);
        return signAndMagnitude[0] == 0 ? value : -value;
    }

    /// <summary>An offset's bytes, least significant first (after the field's state byte).</summary>
    public static long ReadOffset(ReadOnlySpan<byte> offset)
    {
        long value = 0;
        for (var i = offset.Length - 1; i >= 0; i--) value = (value << 8) | offset[i];
        return value;
    }

    /// <summary>An offset field: its state byte, then the offset in <paramref name="offsetSize"/> bytes, least significant first.</summary>
    public static byte[] OffsetField(byte state, long offset, int offsetSize)
    {
        var field = new byte[1 + offsetSize];
        field[0] = state;
        for (var i = 0; i < offsetSize; i++)
        {
            field[1 + i] = (byte)(offset & 0xFF);
            offset >>= 8;
        }
        return field;
    }
}
