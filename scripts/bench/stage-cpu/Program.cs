using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.CustomFormat;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Core.Configuration;

// CPU seconds of each in-process stage of `backup run`, each stage alone on the same input, median
// of N runs after one warm-up. CPU time rather than wall time: the bench machine is shared.
//   dotnet run -c Release --project scripts/bench/stage-cpu -- DUMP_FILE PUBLIC_KEY [RUNS]
// DUMP_FILE: a `pg_dump -Fc -Z0` output; PUBLIC_KEY: from `leopass-recovery keys generate`, whose
// unprotected backup-private.asc beside it is used for the restore-side stages.
// Writes DUMP_FILE.zst (the zstd stage's output) so the command-line tools can be timed on it.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: stage-cpu DUMP_FILE PUBLIC_KEY [RUNS]");
    return 2;
}
var dump = File.ReadAllBytes(args[0]);
var recipient = OpenPgpRecipient.Load(args[1]);
var decryptor = OpenPgpDecryptor.Load(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(args[1]))!, OpenPgpKeyPairGenerator.PrivateKeyFileName), passphrase: null);
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var compressedStream = new MemoryStream();
using (var z = CompressionStreams.Compress(compressedStream, CompressionKind.Zstd, leaveOpen: true)) z.Write(dump);
var compressed = compressedStream.ToArray();
File.WriteAllBytes(args[0] + ".zst", compressed);
var encryptedStream = new MemoryStream();
using (var e = recipient.OpenEncryptingStream(encryptedStream, leaveOpen: true)) e.Write(compressed);
var encrypted = encryptedStream.ToArray();

const int Chunk = 1 << 16;
var process = Process.GetCurrentProcess();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"input: dump {Mib(dump.Length):F1} MiB, zstd -3 {Mib(compressed.Length):F1} MiB; median of {runs} runs; {Environment.ProcessorCount} cores"));
Console.WriteLine("| stage (in-process) | input MiB | CPU s | MiB per CPU-second |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
Stage($"zstd -3, ZstdSharp, {CompressionTuning.Default.ZstdWorkers} workers (product default here)", dump.Length, () =>
{
    using var z = CompressionStreams.Compress(Stream.Null, CompressionKind.Zstd, leaveOpen: true);
    Feed(z, dump);
});
Stage("zstd -3, ZstdSharp, 0 workers", dump.Length, () =>
{
    using var z = CompressionStreams.Compress(Stream.Null, CompressionKind.Zstd, leaveOpen: true, new CompressionTuning { ZstdWorkers = 0 });
    Feed(z, dump);
});
Stage("zstd -3, ZstdSharp, product default, Flush() after every 14 KB write", dump.Length, () =>
{
    using var z = CompressionStreams.Compress(Stream.Null, CompressionKind.Zstd, leaveOpen: true);
    for (var o = 0; o < dump.Length; o += 14_000)
    {
        z.Write(dump, o, Math.Min(14_000, dump.Length - o));
        z.Flush();
    }
});
Stage("OpenPGP encrypt, AES-256 + MDC (of the zstd output)", compressed.Length, () =>
{
    using var e = recipient.OpenEncryptingStream(Stream.Null, leaveOpen: true);
    Feed(e, compressed);
});
Stage("OpenPGP decrypt, AES-256 + MDC", encrypted.Length, () =>
{
    using var d = decryptor.OpenDecryptingStream(new MemoryStream(encrypted, writable: false), leaveOpen: false);
    d.CopyTo(Stream.Null, Chunk);
});
Stage("zstd decompress, ZstdSharp", compressed.Length, () =>
{
    using var d = new ZstdSharp.DecompressionStream(new MemoryStream(compressed, writable: false));
    d.CopyTo(Stream.Null, Chunk);
});
Stage("zstd decompress, system libzstd (what restores use where it loads)", compressed.Length, () =>
{
    using var d = CompressionStreams.Decompress(new MemoryStream(compressed, writable: false), CompressionKind.Zstd, leaveOpen: false);
    d.CopyTo(Stream.Null, Chunk);
});
Stage("data offsets of the restored dump (DataOffsetRecorder)", dump.Length, () =>
{
    var recorder = new DataOffsetRecorder();
    for (var o = 0; o < dump.Length; o += Chunk) recorder.Observe(dump.AsSpan(o, Math.Min(Chunk, dump.Length - o)));
    if (recorder.Finish().Writes.Count == 0) throw new InvalidOperationException("the dump got no data offsets: is it a pg_dump -Fc -Z0 output written to a pipe?");
});
Stage("SHA-256 of the stored bytes (.NET)", compressed.Length, () => Hash(HashAlgorithmName.SHA256));
Stage("MD5 of the S3 parts (.NET)", compressed.Length, () => Hash(HashAlgorithmName.MD5));
return 0;

void Stage(string name, long bytes, Action body)
{
    var cpu = new List<double>();
    for (var run = 0; run <= runs; run++)
    {
        process.Refresh();
        var before = process.TotalProcessorTime;
        body();
        process.Refresh();
        if (run > 0) cpu.Add((process.TotalProcessorTime - before).TotalSeconds);
    }
    cpu.Sort();
    var median = cpu.Count % 2 == 1 ? cpu[cpu.Count / 2] : (cpu[cpu.Count / 2 - 1] + cpu[cpu.Count / 2]) / 2;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Mib(bytes):F1} | {median:F2} | {Mib(bytes) / median:F0} |"));
}

void Hash(HashAlgorithmName algorithm)
{
    using var hash = IncrementalHash.CreateHash(algorithm);
    for (var o = 0; o < compressed.Length; o += Chunk) hash.AppendData(compressed, o, Math.Min(Chunk, compressed.Length - o));
    hash.GetHashAndReset();
}

static void Feed(Stream stream, byte[] data)
{
    for (var o = 0; o < data.Length; o += Chunk) stream.Write(data, o, Math.Min(Chunk, data.Length - o));
}

static double Mib(long bytes) => bytes / 1048576.0;
