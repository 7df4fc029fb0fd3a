
namespace LeoPass.Recovery.Backup.Compression;

/// <summary>Knobs for <see cref="CompressionStreams"/>; the defaults are what the benchmark was measured with.</summary>
public sealed record CompressionTuning
{
    public static CompressionTuning Default { get; } = new();

    /// <summary>zstd level; BACKUP_ZSTD_LEVEL sets it (see <see cref="BackupSettings.ZstdLevel"/> for why 2).</summary>
    public int ZstdLevel { get; init; } = BackupSettings.DefaultZstdLevel;

    /// <summary>
    /// zstd worker threads (0 = compress on the writing thread). Even one worker moves compression
    /// off the writing thread, so reading pg_dump, compressing and encrypting overlap. Measured on
    /// 200 MB of dump-like data on the 2-core dev machine: 0 workers ~220-250 MB/s, 1 worker ~335 MB/s,
    /// 2 workers 300-510 MB/s (noisy, shared machine). Cost: process peak RSS grows from ~105 MB
    /// (0 workers) to ~140 MB (1), ~155 MB (2), ~175 MB (4).
    /// </summary>
    public int ZstdWorkers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Bytes of input per zstd job when <see cref="ZstdWorkers"/> &gt; 0 (zstd's minimum is 512 KiB).</summary>
    public int ZstdJobBytes { get; init; } = 1 << 20;
}
