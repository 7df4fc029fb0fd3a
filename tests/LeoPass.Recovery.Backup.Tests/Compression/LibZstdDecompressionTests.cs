using LeoPass.Recovery.Backup.Compression;
using ZstdSharp;

namespace LeoPass.Recovery.Backup.Tests.Compression;

/// <summary>Restores decompress with the system's libzstd; it must read exactly what ZstdSharp reads, and refuse what it refuses.</summary>
public sealed class LibZstdDecompressionTests
{
    private static byte[] Data(int length, int seed)
    {
        var data = new byte[length];
        var random = new Random(seed);
        for (var at = 0; at < length; at += 100)
        {
            var slice = data.AsSpan(at, Math.Min(100, length - at));
            if (random.Next(2) == 0) random.NextBytes(slice);
            else slice.Fill((byte)'a');
        }
        return data;
    }

    private static byte[] ZstdFrame(byte[] data)
    {
        using var output = new MemoryStream();
        using (var compressing = CompressionStreams.Compress(output, Core.Configuration.CompressionKind.Zstd, leaveOpen: true)) compressing.Write(data);
        return output.ToArray();
    }

    private static byte[] ReadAll(Stream stream, int readSize)
    {
        using var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer)) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    [Fact]
    public void The_system_libzstd_is_what_restores_use_here()
    {
        // CI installs zstd, and with it libzstd1; a machine without it would fall back to ZstdSharp, silently slower.
        Assert.True(LibZstd.IsAvailable, "libzstd.so.1 could not be loaded: apt-get install libzstd1");
        using var stream = CompressionStreams.Decompress(new MemoryStream(ZstdFrame([1, 2, 3])), Core.Configuration.CompressionKind.Zstd, leaveOpen: false);
        Assert.IsType<LibZstdDecompressionStream>(stream);
    }

    [Theory]
    [InlineData(1 << 17)]
    [InlineData(1)]
    [InlineData(7777)]
    public void Reads_concatenated_frames_exactly_as_ZstdSharp_does(int readSize)
    {
        var first = Data(300_000, 1);
        var second = Data(1_000, 2);
        var compressed = ZstdFrame(first).Concat(ZstdFrame([])).Concat(ZstdFrame(second)).ToArray();

        using var native = new LibZstdDecompressionStream(new MemoryStream(compressed), leaveOpen: false);
        using var managed = new DecompressionStream(new MemoryStream(compressed));

        var expected = first.Concat(second).ToArray();
        Assert.Equal(expected, ReadAll(native, readSize));
        Assert.Equal(expected, ReadAll(managed, 1 << 16));
    }

    [Fact]
    public void A_truncated_frame_is_an_error_not_shorter_data()
    {
        var compressed = ZstdFrame(Data(500_000, 3));
        using var native = new LibZstdDecompressionStream(new MemoryStream(compressed[..^10]), leaveOpen: false);

        var error = Assert.Throws<InvalidDataException>(() => ReadAll(native, 1 << 16));
        Assert.Contains("ends in the middle of a frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_whose_content_checksum_does_not_match_is_an_error()
    {
        var compressed = ZstdFrame(Data(500_000, 4));
        compressed[^1] ^= 0xFF; // the last 4 bytes are the content checksum

        using var native = new LibZstdDecompressionStream(new MemoryStream(compressed), leaveOpen: false);
        var error = Assert.Throws<InvalidDataException>(() => ReadAll(native, 1 << 16));
        Assert.Contains("checksum", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Bytes_that_are_not_zstd_are_an_error()
    {
        using var native = new LibZstdDecompressionStream(new MemoryStream("PGDMP, not zstd at all"u8.ToArray()), leaveOpen: false);

        var error = Assert.Throws<InvalidDataException>(() => ReadAll(native, 1 << 16));
        Assert.Equal("zstd: Unknown frame descriptor", error.Message);
    }

    [Fact]
    public void Empty_input_is_an_error_not_an_empty_dump()
    {
        using var native = new LibZstdDecompressionStream(new MemoryStream(), leaveOpen: false);

        var error = Assert.Throws<InvalidDataException>(() => ReadAll(native, 1 << 16));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }
}
