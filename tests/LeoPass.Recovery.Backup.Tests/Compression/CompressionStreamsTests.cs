using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.Tests.Encryption;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Backup.Tests.Compression;

public sealed class CompressionStreamsTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("leopass-compression");

    public void Dispose() => _work.Delete(recursive: true);

    private string WorkFile(string name) => Path.Combine(_work.FullName, name);

    /// <summary>Dump-like data: compressible text with random runs, so every codec has real work to do.</summary>
    private static byte[] DumpLikeData(int length)
    {
        var data = new byte[length];
        var random = new Random(7);
        var row = "42\tuser-1234@example.com\t2026-11-27 02:00:00+00\t{\"plan\": \"pro\"}\n"u8;
        for (var at = 0; at < length; at += 64)
        {
            var slice = data.AsSpan(at, Math.Min(64, length - at));
            if (random.Next(3) == 0) random.NextBytes(slice);
            else row[..Math.Min(row.Length, slice.Length)].CopyTo(slice);
        }
        return data;
    }

    private static byte[] Compress(byte[] data, CompressionKind kind, CompressionTuning? tuning = null)
    {
        using var output = new MemoryStream();
        using (var compressing = CompressionStreams.Compress(output, kind, leaveOpen: true, tuning))
        {
            for (var offset = 0; offset < data.Length; offset += 100_000)
                compressing.Write(data, offset, Math.Min(100_000, data.Length - offset));
        }
        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data, CompressionKind kind)
    {
        using var output = new MemoryStream();
        using (var decompressing = CompressionStreams.Decompress(new MemoryStream(data), kind, leaveOpen: false))
        {
            decompressing.CopyTo(output);
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData(CompressionKind.Zstd, 0)]
    [InlineData(CompressionKind.Zstd, 3_000_001)]
    [InlineData(CompressionKind.Gzip, 0)]
    [InlineData(CompressionKind.Gzip, 3_000_001)]
    [InlineData(CompressionKind.None, 0)]
    [InlineData(CompressionKind.None, 3_000_001)]
    public void Decompress_returns_what_was_compressed(CompressionKind kind, int length)
    {
        var data = DumpLikeData(length);

        Assert.Equal(data, Decompress(Compress(data, kind), kind));
    }

    [Fact]
    public void Single_threaded_zstd_round_trips_too()
    {
        var data = DumpLikeData(1_000_000);

        Assert.Equal(data, Decompress(Compress(data, CompressionKind.Zstd, new CompressionTuning { ZstdWorkers = 0 }), CompressionKind.Zstd));
    }

    [Fact]
    public void Compression_shrinks_dump_like_data()
    {
        var data = DumpLikeData(2_000_000);

        Assert.True(Compress(data, CompressionKind.Zstd).Length < data.Length * 0.6);
        Assert.True(Compress(data, CompressionKind.Gzip).Length < data.Length * 0.6);
        Assert.Equal(data, Compress(data, CompressionKind.None));
    }

    [Fact]
    public async Task Zstd_cli_decompresses_our_output()
    {
        var data = DumpLikeData(5_000_000);
        await File.WriteAllBytesAsync(WorkFile("dump.zst"), Compress(data, CompressionKind.Zstd));

        await ExternalTool.RunAsync("zstd", ["-d", "-q", "-f", WorkFile("dump.zst"), "-o", WorkFile("dump")]);

        Assert.Equal(data, await File.ReadAllBytesAsync(WorkFile("dump")));
    }

    [Fact]
    public async Task We_decompress_zstd_cli_output()
    {
        var data = DumpLikeData(5_000_000);
        await File.WriteAllBytesAsync(WorkFile("dump"), data);

        await ExternalTool.RunAsync("zstd", ["-3", "-T2", "-q", "-f", WorkFile("dump"), "-o", WorkFile("dump.zst")]);

        Assert.Equal(data, Decompress(await File.ReadAllBytesAsync(WorkFile("dump.zst")), CompressionKind.Zstd));
    }

    [Fact]
    public async Task Gzip_cli_decompresses_our_output()
    {
        var data = DumpLikeData(3_000_000);
        await File.WriteAllBytesAsync(WorkFile("dump.gz"), Compress(data, CompressionKind.Gzip));

        await ExternalTool.RunAsync("gzip", ["-d", "-f", WorkFile("dump.gz")]);

        Assert.Equal(data, await File.ReadAllBytesAsync(WorkFile("dump")));
    }

    [Fact]
    public async Task We_decompress_gzip_cli_output()
    {
        var data = DumpLikeData(3_000_000);
        await File.WriteAllBytesAsync(WorkFile("dump"), data);

        await ExternalTool.RunAsync("gzip", ["-f", WorkFile("dump")]);

        Assert.Equal(data, Decompress(await File.ReadAllBytesAsync(WorkFile("dump.gz")), CompressionKind.Gzip));
    }

    [Fact]
    public void Decompress_fails_when_a_zstd_frame_is_truncated()
    {
        var compressed = Compress(DumpLikeData(1_000_000), CompressionKind.Zstd);

        Assert.ThrowsAny<Exception>(() => Decompress(compressed[..^100], CompressionKind.Zstd));
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.None)]
    public void Compressing_stream_disposes_the_output_only_without_leaveOpen(CompressionKind kind)
    {
        var kept = new MemoryStream();
        var owned = new MemoryStream();

        CompressionStreams.Compress(kept, kind, leaveOpen: true).Dispose();
        CompressionStreams.Compress(owned, kind, leaveOpen: false).Dispose();

        Assert.True(kept.CanWrite);
        Assert.False(owned.CanWrite);
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    [InlineData(CompressionKind.None)]
    public void Decompressing_stream_disposes_the_input_only_without_leaveOpen(CompressionKind kind)
    {
        var compressed = Compress([1, 2, 3], kind);
        var kept = new MemoryStream(compressed);
        var owned = new MemoryStream(compressed);

        CompressionStreams.Decompress(kept, kind, leaveOpen: true).Dispose();
        CompressionStreams.Decompress(owned, kind, leaveOpen: false).Dispose();

        Assert.True(kept.CanRead);
        Assert.False(owned.CanRead);
    }

    [Fact]
    public void Pass_through_streams_go_one_way_only()
    {
        using var compressing = CompressionStreams.Compress(new MemoryStream(), CompressionKind.None, leaveOpen: false);
        using var decompressing = CompressionStreams.Decompress(new MemoryStream([1]), CompressionKind.None, leaveOpen: false);

        Assert.False(compressing.CanRead);
        Assert.False(decompressing.CanWrite);
        Assert.Throws<NotSupportedException>(() => compressing.ReadByte());
        Assert.Throws<NotSupportedException>(() => decompressing.WriteByte(1));
    }
}
