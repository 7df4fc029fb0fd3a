using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// The S3 requests the store makes, each one sent through <see cref="TransientRetryPolicy"/> with
/// SDK errors translated by <see cref="S3ErrorTranslator"/>. Bodies are always plain (never
/// aws-chunked) and carry a Content-MD5, so the server rejects a body damaged in transit.
/// </summary>
internal sealed class S3Bucket : IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly TransientRetryPolicy _retry;
    private readonly S3ErrorTranslator _errors;

    public S3Bucket(S3StoreOptions options)
    {
        Options = options;
        _client = S3ClientBuilder.Build(options);
        _retry = new TransientRetryPolicy(options.Retry, options.OnRetry);
        _errors = new S3ErrorTranslator(options);
    }

    public S3StoreOptions Options { get; }
    private string Name => Options.Bucket;

    public Task<WriteAnswer<PutObjectResponse>> PutObjectAsync(string key, ReadOnlyMemory<byte> body, byte[] md5, string contentType, WriteConditions conditions, CancellationToken cancellationToken) =>
        SendConditional("upload", conditions, token =>
        {
            var request = new PutObjectRequest
            {
                BucketName = Name, Key = key, ContentType = contentType,
                InputStream = ReadOnlyStream(body), MD5Digest = Convert.ToBase64String(md5), UseChunkEncoding = false,
            };
            if (conditions.IfNoneMatch) request.IfNoneMatch = "*";
            if (conditions.Lock is { } objectLock)
            {
                request.ObjectLockMode = LockModeOf(objectLock.Mode);
                request.ObjectLockRetainUntilDate = objectLock.RetainUntil.UtcDateTime;
            }
            return _client.PutObjectAsync(request, token);
        }, cancellationToken);

    /// <summary>One conditional write of the probe object (<see cref="ConditionalWriteProbe"/>): written, refused as taken, or the condition not understood.</summary>
    public Task<ProbeAnswer> ProbeConditionalWriteAsync(string key, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        Send("check that the store refuses overwrites", null, async token =>
        {
            try
            {
                await _client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = Name, Key = key, ContentType = "text/plain", IfNoneMatch = "*",
                    InputStream = ReadOnlyStream(body), MD5Digest = Convert.ToBase64String(S3Md5.Hash(body.Span)), UseChunkEncoding = false,
                }, token);
                return ProbeAnswer.Written;
            }
            catch (AmazonS3Exception e) when (S3ErrorTranslator.IsKeyTaken(e)) { return ProbeAnswer.Refused; }
            // Not understood (501, 400), or the rewrite refused for another reason (409: a bucket retention
            // rule keeping the probe): either way the server's refusal of a taken key is unproven.
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest or HttpStatusCode.Conflict) { return ProbeAnswer.NotUnderstood; }
        }, cancellationToken);

    public async Task<string> InitiateMultipartUploadAsync(string key, string contentType, ObjectLockRetention? objectLock, CancellationToken cancellationToken) =>
        (await Send("start multipart upload", null, token =>
        {
            var request = new InitiateMultipartUploadRequest { BucketName = Name, Key = key, ContentType = contentType };
            if (objectLock is not null)
            {
                request.ObjectLockMode = LockModeOf(objectLock.Mode);
                request.ObjectLockRetainUntilDate = objectLock.RetainUntil.UtcDateTime;
            }
            return _client.InitiateMultipartUploadAsync(request, token);
        }, cancellationToken)).UploadId;

    public async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, ReadOnlyMemory<byte> body, byte[] md5, CancellationToken cancellationToken)
    {
        var response = await Send($"upload part {partNumber}", null, token => _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Name, Key = key, UploadId = uploadId, PartNumber = partNumber,
            InputStream = ReadOnlyStream(body), PartSize = body.Length, MD5Digest = Convert.ToBase64String(md5), UseChunkEncoding = false,
        }, token), cancellationToken);
        return new PartETag(partNumber, response.ETag);
    }

    public Task<WriteAnswer<CompleteMultipartUploadResponse>> CompleteMultipartUploadAsync(string key, string uploadId, List<PartETag> parts, WriteConditions conditions, CancellationToken cancellationToken) =>
        SendConditional("complete multipart upload", conditions, token =>
        {
            var request = new CompleteMultipartUploadRequest { BucketName = Name, Key = key, UploadId = uploadId, PartETags = parts };
            if (conditions.IfNoneMatch) request.IfNoneMatch = "*";
            return _client.CompleteMultipartUploadAsync(request, token);
        }, cancellationToken);

    /// <summary>Aborts an upload; an unknown or finished upload id is not an error.</summary>
    public async Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var supported = await Send("abort multipart upload", null, async token =>
        {
            try
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Name, Key = key, UploadId = uploadId }, token);
                return true;
            }
            catch (AmazonS3Exception e) when (S3ErrorTranslator.IsNotFound(e)) { return true; }
            catch (AmazonS3Exception e) when (S3ErrorTranslator.IsUnsupported(e)) { return false; }
        }, cancellationToken);
        if (!supported) await DiscardByCompletingAsync(key, uploadId, cancellationToken);
    }

    public Task<GetObjectResponse> GetObjectAsync(string key, CancellationToken cancellationToken) =>
        Send("download", key, token => _client.GetObjectAsync(new GetObjectRequest { BucketName = Name, Key = key }, token), cancellationToken);

    /// <summary>The object's metadata, or null when there is none.</summary>
    public Task<GetObjectMetadataResponse?> GetObjectMetadataAsync(string key, CancellationToken cancellationToken) =>
        Send<GetObjectMetadataResponse?>("read metadata", key, async token =>
        {
            try
            {
                return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Name, Key = key }, token);
            }
            catch (AmazonS3Exception e) when (S3ErrorTranslator.IsNotFound(e)) { return null; }
        }, cancellationToken);

    /// <summary>
    /// One page of keys after <paramref name="marker"/>. ListObjects (v1, marker = last key seen)
    /// rather than v2: s3rver 3.7.1 on Node ≥ 17 answers 500 to any truncated v2 listing (its
    /// continuation tokens use DES, which OpenSSL 3 disables); every S3-compatible store has v1.
    /// </summary>
    public Task<ListObjectsResponse> ListObjectsAsync(string prefix, string? marker, CancellationToken cancellationToken) =>
        Send("list", null, token => _client.ListObjectsAsync(new ListObjectsRequest
        {
            BucketName = Name, Prefix = prefix.Length == 0 ? null : prefix, Marker = marker, MaxKeys = Options.ListPageSize,
        }, token), cancellationToken);

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken) =>
        Send("delete", null, async token =>
        {
            try
            {
                await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Name, Key = key }, token);
            }
            catch (AmazonS3Exception e) when (S3ErrorTranslator.IsNotFound(e)) { }
            catch (AmazonS3Exception e) when (_errors.IsRetentionRefusal(e))
            {
                throw new ArtefactRetainedException(key, Options.Describe(), $"{(int)e.StatusCode} {e.ErrorCode}: {e.Message}", e);
            }
            return true;
        }, cancellationToken);

    /// <summary>
    /// For servers without AbortMultipartUpload (s3rver 3.7.1 answers 405): give the upload one
    /// empty part 1 (so completing cannot refer to a missing part, which crashes s3rver), complete
    /// it, and delete the resulting object. Only ever used on such servers; it briefly replaces
    /// an object under <paramref name="key"/>, which is why real S3 never takes this path, and why
    /// it is skipped when the key already holds an object (which it would replace).
    /// </summary>
    private async Task DiscardByCompletingAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        // Completing would replace an object that took the key meanwhile (this is how a refused
        // write ends on such a server): leaving the parts behind is the lesser evil.
        if (await GetObjectMetadataAsync(key, cancellationToken) is not null) return;
        var placeholder = await UploadPartAsync(key, uploadId, 1, ReadOnlyMemory<byte>.Empty, S3Md5.Hash([]), cancellationToken);
        var completed = await Send("discard multipart upload", null, async token =>
        {
            try
            {
                // Unconditional on purpose: this completes our own doomed upload to delete it. The key was checked free just before.
                await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = Name, Key = key, UploadId = uploadId, PartETags = [placeholder],
                }, token);
                return true;
            }
            // s3rver answers 500 for an upload id it does not know: nothing to discard.
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.InternalServerError) { return false; }
        }, cancellationToken);
        if (completed) await DeleteObjectAsync(key, cancellationToken);
    }

    /// <summary>
    /// A write that the server may refuse because the key is taken (412, or 409 for a conditional
    /// write racing another): the refusal is an answer, not an error. The object the server refuses
    /// to replace may be this very write's, stored by an attempt whose answer was lost — retried by
    /// <see cref="TransientRetryPolicy"/>, or by the HTTP handler itself on a dropped pooled
    /// connection, which nothing up here sees — so the caller compares it with what it sent.
    /// </summary>
    private Task<WriteAnswer<T>> SendConditional<T>(string operation, WriteConditions conditions, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
        where T : class =>
        Send(operation, null, async token =>
        {
            try
            {
                return WriteAnswer<T>.Written(await request(token));
            }
            catch (AmazonS3Exception e) when (conditions.IfNoneMatch && S3ErrorTranslator.IsKeyTaken(e))
            {
                return WriteAnswer<T>.Refused();
            }
        }, cancellationToken);

    private static ObjectLockMode LockModeOf(RetentionLockMode mode) =>
        mode == RetentionLockMode.Compliance ? ObjectLockMode.Compliance : ObjectLockMode.Governance;

    private Task<T> Send<T>(string operation, string? key, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(operation, async token =>
        {
            try
            {
                return await request(token);
            }
            catch (Exception e)
            {
                var translated = _errors.Translate(e, operation, key, token);
                if (ReferenceEquals(translated, e)) throw;
                throw translated;
            }
        }, cancellationToken);

    /// <summary>A fresh stream per attempt, so a retried request resends the whole body.</summary>
    private static MemoryStream ReadOnlyStream(ReadOnlyMemory<byte> body) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);

    public void Dispose() => _client.Dispose();
}
