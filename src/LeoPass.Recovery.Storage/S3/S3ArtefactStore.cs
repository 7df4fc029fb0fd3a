using System.Runtime.CompilerServices;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// Artefacts in an S3-compatible bucket (Oracle Cloud Object Storage in production, s3rver in
/// tests). Uploads are streamed in parts with bounded memory and verified (see
/// <see cref="UploadVerification"/>), never replace an object (see <see cref="StreamingUpload"/>),
/// and carry an Object Lock retention when configured; every request retries transient failures.
/// </summary>
public sealed class S3ArtefactStore : IArtefactStore, IDisposable
{
    private readonly S3Bucket _bucket;
    private readonly UploadVerifier _verifier;
    private readonly ConditionalWriteProbe _probe;

    public S3ArtefactStore(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _bucket = new S3Bucket(options);
        _verifier = new UploadVerifier(_bucket);
        _probe = new ConditionalWriteProbe(_bucket);
    }

    /// <summary>The small object the store writes to learn whether the server honours conditional writes; never listed.</summary>
    public const string ConditionalWriteProbeKey = ConditionalWriteProbe.ProbeKey;

    public string Description => _bucket.Options.Describe();

    public async Task<StoredObject> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        StoreKeyRules.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        using var upload = new StreamingUpload(_bucket, _verifier, _probe, key, options ?? new PutOptions());
        return await upload.RunAsync(content, cancellationToken);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeyRules.Validate(key);
        var response = await _bucket.GetObjectAsync(key, cancellationToken);
        return new OwningReadStream(response.ResponseStream, response);
    }

    public async Task<StoredObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeyRules.Validate(key);
        var metadata = await _bucket.GetObjectMetadataAsync(key, cancellationToken);
        return metadata is null
            ? null
            : new StoredObjectInfo(key, metadata.ContentLength, S3Times.ToOffset(metadata.LastModified), ETagCheck.Normalize(metadata.ETag))
            {
                RetainedUntil = S3Times.RetainedUntil(metadata),
            };
    }

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StoreKeyRules.ValidatePrefix(prefix);
        string? marker = null;
        do
        {
            var page = await _bucket.ListObjectsAsync(prefix, marker, cancellationToken);
            // The SDK reports an empty page (and an empty bucket) as null, not as an empty list.
            var objects = page.S3Objects ?? [];
            foreach (var entry in objects.Where(o => o.Key != ConditionalWriteProbe.ProbeKey))
            {
                yield return new StoredObjectInfo(entry.Key, entry.Size ?? 0, S3Times.ToOffset(entry.LastModified), ETagCheck.Normalize(entry.ETag));
            }
            // NextMarker is only sent with a delimiter; otherwise the last key is the marker.
            marker = page.IsTruncated == true && objects.Count > 0 ? page.NextMarker ?? objects[^1].Key : null;
        }
        while (marker is not null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeyRules.Validate(key);
        return _bucket.DeleteObjectAsync(key, cancellationToken);
    }

    public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default)
    {
        StoreKeyRules.Validate(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadId);
        return _bucket.AbortMultipartUploadAsync(key, uploadId, cancellationToken);
    }

    public void Dispose() => _bucket.Dispose();
}
