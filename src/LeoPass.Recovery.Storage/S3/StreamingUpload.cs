using Amazon.S3.Model;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// One <see cref="IArtefactStore.PutAsync"/> to S3: makes sure the key is free, reads the
/// (non-seekable, unknown-length) content into part buffers, sends a single PutObject when it all
/// fits in one part and a multipart upload otherwise, then proves the result (<see cref="UploadVerifier"/>).
/// Up to <see cref="S3StoreOptions.ParallelParts"/> parts are in flight while the next one is
/// filled, so a remote store's latency overlaps the dump instead of stalling it. Memory: at most
/// parallel parts + 1 part buffers, owned by this upload (<see cref="PartBuffers"/>).
/// </summary>
/// <remarks>
/// Never replacing an object: the key is checked free before anything is sent (so a taken key
/// fails before a whole dump is streamed), and where the server honours it (<see cref="ConditionalWriteProbe"/>)
/// the writes themselves carry <c>If-None-Match: *</c>, which makes the check atomic. A refusal
/// may meet this upload's own object, stored by an attempt whose answer was lost (the key was
/// free a moment before): the object is then compared with what was sent (<see cref="UploadOwnership"/>),
/// and only identical bytes count as written.
/// </remarks>
internal sealed class StreamingUpload(S3Bucket bucket, UploadVerifier verifier, ConditionalWriteProbe probe, string key, PutOptions options) : IDisposable
{
    private readonly int _partSize = bucket.Options.PartSize;
    private readonly PartBuffers _buffers = new(bucket.Options.PartSize, bucket.Options.ParallelParts + 1);
    private long _sent;
    private ReplaceProtection _protection;
    private WriteConditions _conditions = new(IfNoneMatch: false, Lock: null);

    /// <summary>Runs the upload; call once: its part buffers are for that one upload.</summary>
    public async Task<StoredObject> RunAsync(Stream content, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        using var digests = new UploadDigests();
        var first = await _buffers.RentAsync(cancellationToken);
        var ownsFirst = true;
        try
        {
            var length = await PartReader.FillAsync(content, first.AsMemory(0, _partSize), cancellationToken);
            var md5 = digests.AddPart(first.AsSpan(0, length));
            StoredObject stored;
            if (length < _partSize)
            {
                stored = await PutSingleAsync(first.AsMemory(0, length), md5, digests, cancellationToken);
            }
            else
            {
                ownsFirst = false;
                stored = await PutMultipartAsync(content, first, md5, digests, cancellationToken);
            }
            return await ConfirmLockAsync(stored with { ReplaceProtection = _protection }, cancellationToken);
        }
        finally
        {
            if (ownsFirst) _buffers.Return(first);
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _protection = await probe.ProtectionAsync(cancellationToken);
        if (await bucket.GetObjectMetadataAsync(key, cancellationToken) is not null)
        {
            throw new ArtefactAlreadyExistsException(key, bucket.Options.Describe());
        }
        var objectLock = bucket.Options.ObjectLock is { } configured
            ? new ObjectLockRetention(configured.Mode, bucket.Options.Clock.GetUtcNow() + configured.Duration)
            : null;
        _conditions = new WriteConditions(IfNoneMatch: _protection == ReplaceProtection.ConditionalWrite, objectLock);
    }

    private async Task<StoredObject> PutSingleAsync(ReadOnlyMemory<byte> body, byte[] md5, UploadDigests digests, CancellationToken cancellationToken)
    {
        var answer = await bucket.PutObjectAsync(key, body, md5, options.ContentType, _conditions, cancellationToken);
        var etag = answer.Response?.ETag ?? await ClaimAfterRefusalAsync(digests, multipart: false, cancellationToken);
        Report(body.Length);
        var verification = await verifier.VerifyAsync(key, etag, digests, multipart: false, cancellationToken);
        return new StoredObject(key, digests.Size, digests.Sha256Hex(), ETagCheck.Normalize(etag), verification, PartCount: 1);
    }

    /// <param name="firstPart">A full part buffer, owned from here on.</param>
    private async Task<StoredObject> PutMultipartAsync(Stream content, byte[] firstPart, byte[] firstMd5, UploadDigests digests, CancellationToken cancellationToken)
    {
        string uploadId;
        try
        {
            uploadId = await bucket.InitiateMultipartUploadAsync(key, options.ContentType, _conditions.Lock, cancellationToken);
        }
        catch
        {
            _buffers.Return(firstPart);
            throw;
        }

        // Parts in flight, in part order. A failed part cancels the rest and the wait for a buffer.
        var inFlight = new List<Task<PartETag>>();
        var parts = new List<PartETag>();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        byte[]? filling = firstPart;
        string? etag;
        try
        {
            if (options.UploadStarted is { } started) await started(uploadId);
            inFlight.Add(SendPartAsync(uploadId, 1, firstPart, _partSize, firstMd5, failed));
            filling = null;
            for (var partNumber = 2; ; partNumber++)
            {
                filling = await _buffers.RentAsync(failed.Token);
                var length = await PartReader.FillAsync(content, filling.AsMemory(0, _partSize), failed.Token);
                if (length == 0) break;
                var md5 = digests.AddPart(filling.AsSpan(0, length));
                inFlight.Add(SendPartAsync(uploadId, partNumber, filling, length, md5, failed));
                filling = null;
            }
            _buffers.Return(filling!);
            filling = null;
            parts.AddRange(await Task.WhenAll(inFlight));
            inFlight.Clear();
            etag = await CompleteAsync(uploadId, parts, digests, cancellationToken);
        }
        catch (Exception e)
        {
            // Let every part in flight settle first: a part that lands after the abort would outlive it.
            await failed.CancelAsync();
            foreach (var part in inFlight) await Settle(part);
            if (filling is not null) _buffers.Return(filling);
            await AbortBestEffortAsync(uploadId);
            // A part's own failure, not the cancellation it caused elsewhere, is the cause.
            var cause = inFlight.FirstOrDefault(t => t.IsFaulted && t.Exception!.InnerException is not OperationCanceledException)?.Exception!.InnerException;
            if (cause is not null && e is OperationCanceledException && !cancellationToken.IsCancellationRequested) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            throw;
        }

        if (options.UploadFinished is { } finished) await finished(uploadId);
        var verification = await verifier.VerifyAsync(key, etag, digests, multipart: true, cancellationToken);
        return new StoredObject(key, digests.Size, digests.Sha256Hex(), ETagCheck.Normalize(etag), verification, parts.Count);
    }

    /// <returns>The ETag of the completed object.</returns>
    private async Task<string?> CompleteAsync(string uploadId, List<PartETag> parts, UploadDigests digests, CancellationToken cancellationToken)
    {
        WriteAnswer<CompleteMultipartUploadResponse> answer;
        try
        {
            answer = await bucket.CompleteMultipartUploadAsync(key, uploadId, parts, _conditions, cancellationToken);
        }
        catch (ArtefactStoreException) when (!cancellationToken.IsCancellationRequested)
        {
            // The server may have completed the upload and lost only its answer; a retry of the
            // completion then fails (s3rver: 500, the upload is gone). If the object under the key
            // is exactly ours, the upload did complete.
            if (await UploadOwnership.IsOursAsync(bucket, key, digests, multipart: true, cancellationToken) is { } ours) return ours;
            throw;
        }
        return answer.Response?.ETag ?? await ClaimAfterRefusalAsync(digests, multipart: true, cancellationToken);
    }

    /// <summary>
    /// The server refused the write because the key is taken. When the object there holds exactly
    /// the bytes sent, it is this upload's (an attempt whose answer was lost): its ETag is returned.
    /// Otherwise another writer holds the key, and the write fails without touching it.
    /// </summary>
    private async Task<string?> ClaimAfterRefusalAsync(UploadDigests digests, bool multipart, CancellationToken cancellationToken)
    {
        if (await UploadOwnership.IsOursAsync(bucket, key, digests, multipart, cancellationToken) is { } ours) return ours;
        throw new ArtefactAlreadyExistsException(key, bucket.Options.Describe(), "the store refused the conditional write (If-None-Match: *)");
    }

    /// <summary>
    /// Reads back the retention the store put on the object. A store that accepted the lock
    /// headers but does not report a lock (s3rver ignores them) leaves <see cref="StoredObject.RetainedUntil"/>
    /// null, and the caller says so rather than promise an immutability nobody confirmed.
    /// </summary>
    private async Task<StoredObject> ConfirmLockAsync(StoredObject stored, CancellationToken cancellationToken)
    {
        if (_conditions.Lock is null) return stored;
        var metadata = await bucket.GetObjectMetadataAsync(key, cancellationToken);
        return stored with { RetainedUntil = S3Times.RetainedUntil(metadata) };
    }

    /// <summary>Sends one part and gives its buffer back whatever happens; a failure cancels the upload's other parts.</summary>
    private async Task<PartETag> SendPartAsync(string uploadId, int partNumber, byte[] buffer, int length, byte[] md5, CancellationTokenSource upload)
    {
        try
        {
            var part = await bucket.UploadPartAsync(key, uploadId, partNumber, buffer.AsMemory(0, length), md5, upload.Token);
            Report(length);
            return part;
        }
        catch
        {
            await upload.CancelAsync();
            throw;
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

    public void Dispose() => _buffers.Dispose();
}
