using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3.Model;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// One <see cref="IArtefactStore.PutAsync"/> to S3: reads the (non-seekable, unknown-length)
/// content into part buffers, sends a single PutObject when it all fits in one part and a
/// multipart upload otherwise, then proves the result (<see cref="UploadVerifier"/>).
/// Memory: at most two part buffers — one being sent while the next is filled.
/// </summary>
internal sealed class StreamingUpload(S3Bucket bucket, UploadVerifier verifier, string key, PutOptions options)
{
    private readonly int _partSize = bucket.Options.PartSize;
    private readonly ArrayPool<byte> _buffers = ArrayPool<byte>.Shared;
    private long _sent;

    public async Task<StoredObject> RunAsync(Stream content, CancellationToken cancellationToken)
    {
        using var digests = new UploadDigests();
        var first = _buffers.Rent(_partSize);
        var ownsFirst = true;
        try
        {
            var length = await PartReader.FillAsync(content, first.AsMemory(0, _partSize), cancellationToken);
            var md5 = digests.AddPart(first.AsSpan(0, length));
            if (length < _partSize) return await PutSingleAsync(first.AsMemory(0, length), md5, digests, cancellationToken);
            ownsFirst = false;
            return await PutMultipartAsync(content, first, md5, digests, cancellationToken);
        }
        finally
        {
            if (ownsFirst) _buffers.Return(first);
        }
    }

    private async Task<StoredObject> PutSingleAsync(ReadOnlyMemory<byte> body, byte[] md5, UploadDigests digests, CancellationToken cancellationToken)
    {
        var response = await bucket.PutObjectAsync(key, body, md5, options.ContentType, cancellationToken);
        Report(body.Length);
        var verification = await verifier.VerifyAsync(key, response.ETag, digests, multipart: false, cancellationToken);
        return new StoredObject(key, digests.Size, digests.Sha256Hex(), ETagCheck.Normalize(response.ETag), verification, PartCount: 1);
    }

    /// <param name="firstPart">A full part buffer, owned from here on.</param>
    private async Task<StoredObject> PutMultipartAsync(Stream content, byte[] firstPart, byte[] firstMd5, UploadDigests digests, CancellationToken cancellationToken)
    {
        string uploadId;
        try
        {
            uploadId = await bucket.InitiateMultipartUploadAsync(key, options.ContentType, cancellationToken);
        }
        catch
        {
            _buffers.Return(firstPart);
            throw;
        }

        var parts = new List<PartETag>();
        Task<PartETag>? inFlight = null;
        byte[]? filling = firstPart;
        CompleteMultipartUploadResponse completed;
        try
        {
            if (options.UploadStarted is { } started) await started(uploadId);
            inFlight = SendPartAsync(uploadId, 1, firstPart, _partSize, firstMd5, cancellationToken);
            filling = null;
            for (var partNumber = 2; ; partNumber++)
            {
                filling = _buffers.Rent(_partSize);
                var length = await PartReader.FillAsync(content, filling.AsMemory(0, _partSize), cancellationToken);
                if (length == 0) break;
                var md5 = digests.AddPart(filling.AsSpan(0, length));
                parts.Add(await inFlight);
                inFlight = SendPartAsync(uploadId, partNumber, filling, length, md5, cancellationToken);
                filling = null;
            }
            _buffers.Return(filling!);
            filling = null;
            parts.Add(await inFlight);
            inFlight = null;
            completed = await bucket.CompleteMultipartUploadAsync(key, uploadId, parts, cancellationToken);
        }
        catch
        {
            // Let the part in flight settle first: a part that lands after the abort would outlive it.
            if (inFlight is not null) await Settle(inFlight);
            if (filling is not null) _buffers.Return(filling);
            await AbortBestEffortAsync(uploadId);
            throw;
        }

        if (options.UploadFinished is { } finished) await finished(uploadId);
        var verification = await verifier.VerifyAsync(key, completed.ETag, digests, multipart: true, cancellationToken);
        return new StoredObject(key, digests.Size, digests.Sha256Hex(), ETagCheck.Normalize(completed.ETag), verification, parts.Count);
    }

    /// <summary>Sends one part and gives its buffer back to the pool whatever happens.</summary>
    private async Task<PartETag> SendPartAsync(string uploadId, int partNumber, byte[] buffer, int length, byte[] md5, CancellationToken cancellationToken)
    {
        try
        {
            var part = await bucket.UploadPartAsync(key, uploadId, partNumber, buffer.AsMemory(0, length), md5, cancellationToken);
            Report(length);
            return part;
        }
        finally
        {
            _buffers.Return(buffer);
        }
    }

    /// <summary>
    /// Aborting must not depend on the caller's (maybe cancelled) token. If the server is
    /// unreachable the abort fails too; the caller still holds the upload id from
    /// <see cref="PutOptions.UploadStarted"/> and calls <see cref="IArtefactStore.AbortUploadAsync"/> later.
    /// </summary>
    private async Task AbortBestEffortAsync(string uploadId)
    {
        try
        {
            await bucket.AbortMultipartUploadAsync(key, uploadId, CancellationToken.None);
        }
        catch (ArtefactStoreException)
        {
            return;
        }
        if (options.UploadFinished is { } finished) await finished(uploadId);
    }

    private void Report(int bytes)
    {
        var total = Interlocked.Add(ref _sent, bytes);
        options.Progress?.Invoke(total);
    }

    private static async Task Settle(Task task)
    {
        try { await task; } catch (Exception) { /* the failure that brought us here is what the caller sees */ }
    }
}
