using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.CustomFormat;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.Reading;

/// <summary>
/// What a reader needs to know of any stored artefact (a dump, a WAL file, a base backup) from its
/// manifest: where it is, its stored SHA-256 and size, how it is compressed, whom it is encrypted
/// to, and, when known, the plain size and the bytes the plain content starts with.
/// </summary>
public sealed record StoredArtefact(string Key, string Sha256, long StoredBytes, string Compression, string RecipientFingerprint, long? PlainBytes, byte[]? Magic, string Kind)
{
    public static StoredArtefact Of(BackupManifest manifest) =>
        new(manifest.Key, manifest.Sha256, manifest.Sizes.StoredBytes, manifest.Compression, manifest.Encryption.RecipientFingerprint, manifest.Sizes.DumpBytes, "PGDMP"u8.ToArray(), "pg_dump custom-format archive");
}

/// <summary>What reading an artefact back found.</summary>
public sealed record ArtefactReadResult(BackupManifest Manifest, string Sha256, long StoredBytes, long DumpBytes, TimeSpan Duration)
{
    /// <summary>For a read into a file: whether the dump's TOC was given its data offsets, and if not, why.</summary>
    public string? DataOffsets { get; init; }
}

/// <summary>
/// Reads an artefact back in one pass: download → SHA-256 of the stored bytes → decrypt →
/// decompress → a destination stream (a file for a restore, nowhere for a verification).
/// The SHA-256 is checked against the manifest before the caller may use the output.
/// </summary>
public sealed class ArtefactReader(IArtefactStore store, BackupCatalogue catalogue, DecryptionKeys keys, ManifestReader manifests)
{
    // Bytes in flight between two threads of a read, and the size each stage produces at a time.
    private const int PipeBufferBytes = 4 << 20;
    private const int ChunkBytes = 1 << 17;

    /// <summary>
    /// Resolves "latest" (newest verified backup in the catalogue) or a key, and reads its manifest
    /// from the store through <see cref="ManifestReader"/> (which refuses a manifest for another key,
    /// and an unsigned or untrusted one when BACKUP_TRUSTED_SIGNERS is set).
    /// </summary>
    public async Task<BackupManifest> ResolveAsync(string keyOrLatest, CancellationToken cancellationToken)
    {
        var key = keyOrLatest;
        if (string.Equals(keyOrLatest, "latest", StringComparison.OrdinalIgnoreCase))
        {
            var latest = await catalogue.LatestVerifiedAsync(cancellationToken)
                ?? throw new BackupException("there is no verified backup in the catalogue: run `backup run` first, or `backup list --refresh` on a new node");
            key = latest.Key;
        }
        if (ArtefactKey.IsManifest(key)) key = ArtefactKey.ArtefactOfManifest(key);
        try
        {
            return await manifests.ReadAsync(key, cancellationToken);
        }
        catch (ArtefactNotFoundException e)
        {
            throw new BackupException($"no backup '{key}' in {store.Description} (no manifest): run `backup list` to see which backups exist", e) { Stage = "resolve" };
        }
    }

    /// <summary>
    /// Streams the artefact of <paramref name="manifest"/> into <paramref name="destination"/>.
    /// Throws <see cref="BackupException"/> naming the mismatch when the stored bytes are not
    /// those the manifest describes — checked even when decryption fails first, so a flipped
    /// byte is reported as what it is.
    /// </summary>
    public async Task<ArtefactReadResult> ReadAsync(BackupManifest manifest, Stream destination, IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var (sha256, storedBytes, plainBytes, duration) = await ReadAsync(StoredArtefact.Of(manifest), destination, observer, cancellationToken);
        return new ArtefactReadResult(manifest, sha256, storedBytes, plainBytes, duration);
    }

    /// <summary>
    /// Streams any artefact into <paramref name="destination"/>, as <see cref="ReadAsync(BackupManifest, Stream, IBackupObserver?, CancellationToken)"/>
    /// does a dump: the stored bytes' SHA-256 and size are checked against <paramref name="artefact"/> (a mismatch is named as such),
    /// then the plain content's size and first bytes when the artefact says what they must be.
    /// </summary>
    public async Task<(string Sha256, long StoredBytes, long PlainBytes, TimeSpan Duration)> ReadAsync(
        StoredArtefact artefact, Stream destination, IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        observer ??= NullBackupObserver.Instance;
        var decryptor = keys.Load();
        var compression = ParseCompression(artefact.Compression);
        var stopwatch = Stopwatch.StartNew();
        observer.Stage("download", $"reading {artefact.Key} from {store.Description}");

        await using var hashing = new HashingReadStream(await OpenStoredAsync(artefact.Key, cancellationToken)) { Progress = observer.Bytes };
        var output = new CountingWriteStream(destination, leaveOpen: true);
        Exception? readError;
        try
        {
            readError = await DecryptAndDecompressAsync(decryptor, hashing, compression, output, artefact, cancellationToken);
        }
        catch (DecryptionKeyException e) when (IsRecipient(decryptor, artefact.RecipientFingerprint))
        {
            // The manifest says the artefact was encrypted to this very key, yet its session-key
            // packet names another: the stored bytes were damaged. Let the SHA-256 say so, rather
            // than send a responder looking for a different key.
            readError = e;
        }
        // Hash whatever the decryptor did not consume, so the digest covers the whole object.
        await hashing.DrainAsync(cancellationToken);
        var sha256 = hashing.Sha256Hex;
        EnsureMatchesManifest(artefact, hashing, readError);
        if (readError is not null)
        {
            throw new BackupException($"{artefact.Key} matches its manifest's SHA-256 but could not be read back: {readError.Message}", readError) { Stage = "decrypt" };
        }
        if (artefact.PlainBytes is { } expected && output.BytesWritten != expected)
        {
            throw new BackupException($"{artefact.Key} decompressed to {output.BytesWritten} bytes, the manifest says {expected}") { Stage = "verify" };
        }
        return (sha256, hashing.BytesRead, output.BytesWritten, stopwatch.Elapsed);
    }

    /// <summary>
    /// Three stages on three threads, joined by bounded pipes: download, hashing and decryption;
    /// decompression; writing (and the magic check). On two cores this takes a restore's download
    /// step from the sum of the stages' CPU time towards half of it, which is what steps 3+4 of a
    /// drill are measured by: decompression alone is the largest stage, and writing 500 MB into
    /// the page cache costs a third of it again.
    /// </summary>
    /// <remarks>
    /// All are dedicated threads running synchronous loops: the stages are CPU-bound, and on
    /// thread-pool threads inside a busy engine node they waited for the pool's slow thread
    /// injection (a drill's read pass took 0.9-1.9 s where `backup verify` took 0.8 s).
    /// </remarks>
    /// <returns>The first error reading, decompressing or writing, or null; the caller decides what it means once the SHA-256 is known.</returns>
    private static async Task<Exception?> DecryptAndDecompressAsync(
        OpenPgpDecryptor decryptor, Stream stored, CompressionKind compression, Stream output, StoredArtefact artefact, CancellationToken cancellationToken)
    {
        var decrypted = NewPipe();
        var decompressed = NewPipe();
        var decrypting = OnOwnThread(() => Decrypt(decryptor, stored, decrypted.Writer, cancellationToken));
        var decompressing = OnOwnThread(() => Decompress(decrypted.Reader, compression, decompressed.Writer, cancellationToken));
        var writing = OnOwnThread(() => WriteCheckingMagic(decompressed.Reader, output, artefact, cancellationToken));

        var (writeError, _) = await OutcomeOf(writing);
        var (decompressError, decompressedToTheEnd) = await OutcomeOf(decompressing);
        var (decryptError, decryptedToTheEnd) = await OutcomeOf(decrypting);

        // A decryption failure is the root cause of whatever decompression then saw, and so on down.
        var error = decryptError ?? decompressError ?? writeError ?? (decryptedToTheEnd && decompressedToTheEnd ? null
            : new InvalidDataException("decompression ended before the end of the decrypted data, so its integrity check was never reached"));
        if (error is OperationCanceledException or DecryptionKeyException) ExceptionDispatchInfo.Throw(error);
        return error;
    }

    // Inline schedulers: every stage blocks its own thread on the pipe, so waking it takes only
    // completing the task it waits on, which the other stage can do itself. The thread pool's
    // default hop cost a wake-up of a pool thread (and its spinning) per 128 KiB written, about
    // 0.17 CPU-s per 500 MB on two cores already busy with decompression and decryption.
    private static Pipe NewPipe() =>
        new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: PipeBufferBytes, resumeWriterThreshold: PipeBufferBytes / 2, useSynchronizationContext: false));

    private static async Task<(Exception? Error, bool ToTheEnd)> OutcomeOf(Task<bool> stage)
    {
        try
        {
            return (null, await stage);
        }
        catch (Exception e)
        {
            return (e, false);
        }
    }

    private static Task<T> OnOwnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <returns>True when decryption reached the end of the message, so the MDC was checked; false
    /// when the reader stopped first (which must never pass as success).</returns>
    private static bool Decrypt(OpenPgpDecryptor decryptor, Stream stored, PipeWriter pipe, CancellationToken cancellationToken)
    {
        try
        {
            using var decrypted = decryptor.OpenDecryptingStream(stored, leaveOpen: true);
            var toTheEnd = Produce(decrypted, pipe, cancellationToken);
            pipe.Complete();
            return toTheEnd;
        }
        catch (Exception e)
        {
            pipe.Complete(e);
            throw;
        }
    }

    /// <summary>
    /// Reads the artefact into <paramref name="file"/> (empty, positioned at its start) as
    /// <see cref="ReadAsync"/> does, then gives the dump's TOC the data offsets that pg_dump
    /// writes only into a seekable file (<see cref="DataOffsetRecorder"/>): what lets
    /// <c>pg_restore --jobs</c> seek straight to each table's data and restore the largest first.
    /// </summary>
    public async Task<ArtefactReadResult> ReadIntoFileAsync(BackupManifest manifest, FileStream file, IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        // Offsets are positions in the file: only a file that holds the dump alone can take them.
        if (file.Length != 0 || file.Position != 0)
        {
            return await ReadAsync(manifest, file, observer, cancellationToken) with { DataOffsets = "left without data offsets: the file was not empty" };
        }
        var recorder = new DataOffsetRecorder();
        var result = await ReadAsync(manifest, new DataOffsetRecordingStream(file, recorder), observer, cancellationToken);
        await file.FlushAsync(cancellationToken);
        using var patching = File.OpenHandle(file.Name, FileMode.Open, FileAccess.ReadWrite);
        return result with { DataOffsets = recorder.Finish().WriteInto(patching) };
    }

    /// <summary>
    /// Downloads the artefact and checks its size and SHA-256 against the manifest, without
    /// decrypting: what a backup host that holds only the public key can prove.
    /// </summary>
    public async Task<ArtefactReadResult> CheckStoredBytesAsync(BackupManifest manifest, IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        observer ??= NullBackupObserver.Instance;
        var stopwatch = Stopwatch.StartNew();
        observer.Stage("download", $"reading {manifest.Key} from {store.Description} to check its SHA-256");
        await using var hashing = new HashingReadStream(await OpenStoredAsync(manifest.Key, cancellationToken)) { Progress = observer.Bytes };
        await hashing.DrainAsync(cancellationToken);
        EnsureMatchesManifest(StoredArtefact.Of(manifest), hashing, readError: null);
        return new ArtefactReadResult(manifest, hashing.Sha256Hex, hashing.BytesRead, manifest.Sizes.DumpBytes, stopwatch.Elapsed);
    }

    private async Task<Stream> OpenStoredAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await store.OpenReadAsync(key, cancellationToken);
        }
        catch (ArtefactNotFoundException e)
        {
            throw new BackupException($"the manifest of {key} exists but the artefact does not: it is unusable", e) { Stage = "download" };
        }
    }

    private static bool IsRecipient(OpenPgpDecryptor decryptor, string recipientFingerprint) =>
        string.Equals(decryptor.Fingerprint.Replace(" ", "", StringComparison.Ordinal),
            recipientFingerprint.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    /// <summary>The stored bytes are what the manifest describes, or the artefact is corrupt — whatever else went wrong reading it.</summary>
    private static void EnsureMatchesManifest(StoredArtefact artefact, HashingReadStream hashing, Exception? readError)
    {
        if (string.Equals(hashing.Sha256Hex, artefact.Sha256, StringComparison.OrdinalIgnoreCase) && hashing.BytesRead == artefact.StoredBytes) return;
        throw new BackupException(
            $"{artefact.Key} is corrupt: SHA-256 mismatch (manifest {artefact.Sha256}, {artefact.StoredBytes} bytes; stored object {hashing.Sha256Hex}, {hashing.BytesRead} bytes)",
            readError ?? new InvalidDataException("sha256 mismatch")) { Stage = "verify" };
    }

    /// <returns>True when decompression reached the end of the decrypted data; false when the writer stopped first.</returns>
    private static bool Decompress(PipeReader decrypted, CompressionKind compression, PipeWriter output, CancellationToken cancellationToken)
    {
        try
        {
            using var decryptedStream = decrypted.AsStream(leaveOpen: true);
            using var decompressed = CompressionStreams.Decompress(decryptedStream, compression, leaveOpen: true);
            var toTheEnd = Produce(decompressed, output, cancellationToken);
            output.Complete();
            return toTheEnd;
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
        finally
        {
            // Tells a decryptor still writing to stop: nothing will read what it writes.
            decrypted.Complete();
        }
    }

    /// <summary>Reads <paramref name="source"/> into the pipe until its end (true) or until the pipe's reader stops (false); blocks this thread (its own) while the pipe is full.</summary>
    private static bool Produce(Stream source, PipeWriter pipe, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = source.Read(pipe.GetSpan(ChunkBytes));
            if (read == 0) return true;
            pipe.Advance(read);
            if (pipe.FlushAsync(cancellationToken).AsTask().GetAwaiter().GetResult().IsCompleted) return false;
        }
    }

    /// <summary>Writes the decompressed content to its destination, checking it starts as the artefact's kind must (a dump: like a pg_dump archive).</summary>
    private static bool WriteCheckingMagic(PipeReader decompressed, Stream destination, StoredArtefact artefact, CancellationToken cancellationToken)
    {
        var magic = artefact.Magic ?? [];
        try
        {
            var first = true;
            while (true)
            {
                var result = decompressed.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
                var buffer = result.Buffer;
                // Waits for the magic's 5 bytes; a whole output shorter than that is no archive either.
                if (first && (buffer.Length >= magic.Length || result.IsCompleted))
                {
                    if (buffer.Length < magic.Length || !buffer.Slice(0, magic.Length).ToArray().AsSpan().SequenceEqual(magic))
                    {
                        throw new InvalidDataException($"the decrypted content is not a {artefact.Kind}");
                    }
                    first = false;
                }
                if (!first)
                {
                    foreach (var segment in buffer) destination.Write(segment.Span);
                    decompressed.AdvanceTo(buffer.End);
                }
                else
                {
                    decompressed.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted) return true;
            }
        }
        finally
        {
            decompressed.Complete();
        }
    }

    private static CompressionKind ParseCompression(string name) => name switch
    {
        "zstd" => CompressionKind.Zstd,
        "gzip" => CompressionKind.Gzip,
        "none" => CompressionKind.None,
        _ => throw new BackupException($"the manifest names compression '{name}', which this version cannot read: upgrade leopass-recovery"),
    };
}
