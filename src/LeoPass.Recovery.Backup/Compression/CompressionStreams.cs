using System.IO.Compression;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace LeoPass.Recovery.Backup.Compression;

/// <summary>
/// Compressing write streams and decompressing read streams for each <see cref="CompressionKind"/>.
/// Every stream produced is in the standard format its command-line tool reads (<c>zstd -d</c>,
/// <c>gzip -d</c>), and owns the inner stream only when <c>leaveOpen</c> is false.
/// </summary>
public static class CompressionStreams
{
    // zstd's streaming sweet spot: large enough that per-call overhead vanishes, small enough to stay bounded.
    private const int ZstdBufferBytes = 1 << 17;

    /// <summary>
    /// A write stream that compresses into <paramref name="output"/>. Disposing it writes the end of the
    /// frame; the output is incomplete until then.
    /// </summary>
    public static Stream Compress(Stream output, CompressionKind kind, bool leaveOpen, CompressionTuning? tuning = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        tuning ??= CompressionTuning.Default;
        return kind switch
        {
            CompressionKind.Zstd => ZstdCompressor(output, tuning, leaveOpen),
            // Fastest (zlib-ng level 1): gzip exists for the runbook's wording, not for size. Measured on
            // 200 MB of dump-like data: Fastest ~400 MB/s, Optimal ~160 MB/s for only ~5 % smaller output,
            // which would make gzip the slowest stage of the pipeline.
            CompressionKind.Gzip => new GZipStream(output, CompressionLevel.Fastest, leaveOpen),
            CompressionKind.None => new PassThroughStream(output, forWriting: true, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown compression"),
        };
    }

    /// <summary>
    /// A read stream of the data decompressed from <paramref name="input"/>. A stream that ends in the
    /// middle of a zstd frame throws instead of reading as shorter data.
    /// </summary>
    public static Stream Decompress(Stream input, CompressionKind kind, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(input);
        return kind switch
        {
            CompressionKind.Zstd => LibZstd.IsAvailable
                ? new LibZstdDecompressionStream(input, leaveOpen)
                : new DecompressionStream(input, ZstdBufferBytes, checkEndOfStream: true, leaveOpen),
            CompressionKind.Gzip => new GZipStream(input, CompressionMode.Decompress, leaveOpen),
            CompressionKind.None => new PassThroughStream(input, forWriting: false, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown compression"),
        };
    }

    private static CompressionStream ZstdCompressor(Stream output, CompressionTuning tuning, bool leaveOpen)
    {
        var stream = new CompressionStream(output, tuning.ZstdLevel, ZstdBufferBytes, leaveOpen);
        // A content checksum in the frame, as the zstd CLI writes by default: `zstd -t` can check a file alone.
        stream.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        if (tuning.ZstdWorkers > 0)
        {
            stream.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, tuning.ZstdWorkers);
            // Each worker holds a job's input and output: zstd's default job (several times the
            // window) made memory grow by ~50 MB with the dump; 1 MiB jobs keep it to a few.
            stream.SetParameter(ZSTD_cParameter.ZSTD_c_jobSize, tuning.ZstdJobBytes);
        }
        return stream;
    }
}
