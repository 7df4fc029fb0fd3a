using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

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

    public Task<PutObjectResponse> PutObjectAsync(string key, ReadOnlyMemory<byte> body, byte[] md5, string contentType, CancellationToken cancellationToken) =>
        Send("upload", null, token => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Name, Key = key, ContentType = contentType,
            InputStream = ReadOnlyStream(body), MD5Digest = Convert.ToBase64String(md5), UseChunkEncoding = false,
        }, token), cancellationToken);

    public async Task<string> InitiateMultipartUploadAsync(string key, string contentType, CancellationToken cancellationToken) =>
        (await Send("start multipart upload", null, token => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Name, Key = key, ContentType = contentType,
        }, token), cancellationToken)).UploadId;

    public async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, ReadOnlyMemory<byte> body, byte[] md5, CancellationToken cancellationToken)
    {
        var response = await Send($"upload part {partNumber}", null, token => _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Name, Key = key, UploadId = uploadId, PartNumber = partNumber,
            InputStream = ReadOnlyStream(body), PartSize = body.Length, MD5Digest = Convert.ToBase64String(md5), UseChunkEncoding = false,
        }, token), cancellationToken);
        return new PartETag(partNumber, response.ETag);
    }

    public Task<CompleteMultipartUploadResponse> CompleteMultipartUploadAsync(string key, string uploadId, List<PartETag> parts, CancellationToken cancellationToken) =>
        Send("complete multipart upload", null, token => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Name, Key = key, UploadId = uploadId, PartETags = parts,
        }, token), cancellationToken);

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
            return true;
        }, cancellationToken);

    /// <summary>
    /// For servers without AbortMultipartUpload (s3rver 3.7.1 answers 405): give the upload one
    /// empty part 1 (so completing cannot refer to a missing part, which crashes s3rver), complete
    /// it, and delete the resulting object. Only ever used on such servers; it briefly replaces
    /// an object under <paramref name="key"/>, which is why real S3 never takes this path.
    /// </summary>
    private async Task DiscardByCompletingAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var placeholder = await UploadPartAsync(key, uploadId, 1, ReadOnlyMemory<byte>.Empty, S3Md5.Hash([]), cancellationToken);
        var completed = await Send("discard multipart upload", null, async token =>
        {
            try
            {
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
