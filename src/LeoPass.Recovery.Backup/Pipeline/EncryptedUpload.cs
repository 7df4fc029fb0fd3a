using System.IO.Pipelines;
using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>What <see cref="EncryptedUpload"/> stored: the object, and the bytes before compression (with their SHA-256 when asked for) and after it.</summary>
public sealed record EncryptedUploadResult(StoredObject Stored, long PlainBytes, string? PlainSha256, long CompressedBytes);

/// <param name="LiteralFileName">The file name inside the OpenPGP literal data packet; null: the key's file name.</param>
/// <param name="Progress">Bytes uploaded so far, as the store reports them.</param>
/// <param name="HashPlain">Compute the SHA-256 of the content before compression (a WAL manifest holds it; a dump's does not, and hashing every byte of a large dump costs CPU the compressor needs).</param>
public sealed record EncryptedUploadOptions(string? LiteralFileName = null, Action<long>? Progress = null, bool HashPlain = true);

/// <summary>
/// The dump pipeline's layers for any content: whatever <c>writePlain</c> writes is compressed
/// (BACKUP_COMPRESSION), encrypted to the backup key (OpenPGP) and streamed into
/// <see cref="IArtefactStore.PutAsync"/> through a bounded pipe, with the store's upload
/// verification and no-replace rule. The nightly dump, WAL segments and base backups go through it; a store-side
/// upload is recorded as pending while it runs, as a dump's is, so one left by a dead process is
/// aborted by the next backup.
/// </summary>
public sealed class EncryptedUpload(RecoverySettings settings, IArtefactStore store, BackupCatalogue catalogue)
{
    // Enough to keep the producer, the compressor and the uploader busy at once, small enough to
    // keep peak memory flat whatever the content's size.
    private const long PipeBufferBytes = 4 * 1024 * 1024;

    public Task<EncryptedUploadResult> UploadAsync(string key, OpenPgpRecipient recipient, Func<Stream, CancellationToken, Task> writePlain, CancellationToken cancellationToken) =>
        UploadAsync(key, recipient, writePlain, new EncryptedUploadOptions(), cancellationToken);

    public async Task<EncryptedUploadResult> UploadAsync(
        string key, OpenPgpRecipient recipient, Func<Stream, CancellationToken, Task> writePlain, EncryptedUploadOptions options, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBufferBytes, resumeWriterThreshold: PipeBufferBytes / 2, useSynchronizationContext: false));
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long plainBytes = 0, compressedBytes = 0;
        string? plainSha256 = null;

        var produce = Task.Run(async () =>
        {
            try
            {
                await using (var pipeStream = pipe.Writer.AsStream(leaveOpen: true))
                {
                    await using var encrypting = recipient.OpenEncryptingStream(pipeStream, leaveOpen: true, literalFileName: options.LiteralFileName ?? Path.GetFileName(key));
                    var compressedCounter = new CountingWriteStream(encrypting, leaveOpen: true);
                    await using var compressing = CompressionStreams.Compress(
                        compressedCounter, settings.Backup.Compression, leaveOpen: true, new CompressionTuning { ZstdLevel = settings.Backup.ZstdLevel });
                    using var hash = options.HashPlain ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
                    var plainCounter = new CountingWriteStream(hash is null ? compressing : new HashingWriteStream(compressing, hash), leaveOpen: true);
                    await writePlain(plainCounter, failFast.Token);
                    await plainCounter.FlushAsync(failFast.Token);
                    await compressing.DisposeAsync();
                    await encrypting.DisposeAsync();
                    plainBytes = plainCounter.BytesWritten;
                    compressedBytes = compressedCounter.BytesWritten;
                    if (hash is not null) plainSha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
                }
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                await failFast.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        var upload = Task.Run(async () =>
        {
            try
            {
                await using var content = pipe.Reader.AsStream();
                await using var uploads = new LiveUploads(catalogue, key);
                var put = new PutOptions { UploadStarted = uploads.StartedAsync, UploadFinished = uploads.FinishedAsync, Progress = options.Progress };
                return await store.PutAsync(key, content, put, failFast.Token);
            }
            catch
            {
                await failFast.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await Task.WhenAll(produce, upload);
        }
        catch
        {
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException("upload cancelled", cancellationToken);
            // The side that failed first is the cause; the other was cancelled by it.
            var cause = new[] { produce, upload }.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions)
                .OrderBy(e => e is OperationCanceledException or IOException { InnerException: OperationCanceledException } ? 1 : 0).First();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
        }
        return new EncryptedUploadResult(await upload, plainBytes, plainSha256, compressedBytes);
    }

    /// <summary>Feeds every byte written through to <paramref name="inner"/> and into <paramref name="hash"/>.</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    }
}
