namespace LeoPass.Recovery.Storage;

/// <summary>
/// Where artefacts (encrypted dumps and their manifests) are kept. Every implementation
/// passes the same conformance suite (tests/LeoPass.Recovery.Storage.Tests).
///
/// Obligations of every implementation:
/// <list type="bullet">
/// <item><see cref="PutAsync"/> streams: memory use is bounded whatever the object's size, and the
/// content stream may be non-seekable and of unknown length.</item>
/// <item>An object is visible under its key only once it is complete and verified. If the content
/// stream throws, the token is cancelled, or verification fails, nothing is left behind under
/// the key (a multipart upload is aborted, a temporary file deleted) and the exception propagates.</item>
/// <item>Errors are <see cref="ArtefactStoreException"/>s whose message says what failed and what
/// to do, and never contains a credential. <see cref="ArtefactStoreException.IsPermanent"/> tells a
/// retry policy not to bother (access denied, no such bucket, missing key).</item>
/// <item>Delete is idempotent: deleting a missing key succeeds.</item>
/// </list>
/// </summary>
public interface IArtefactStore
{
    /// <summary>Where this store writes, safe to print (no credentials).</summary>
    string Description { get; }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>, replacing any object there.
    /// Returns the stored size and SHA-256 (of the bytes as stored) and how the upload was verified.
    /// </summary>
    Task<StoredObject> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for streaming reads. Throws <see cref="ArtefactNotFoundException"/> when absent.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The object's metadata, or null when absent.</summary>
    Task<StoredObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every complete object whose key starts with <paramref name="prefix"/>, in key order. An empty store lists nothing.</summary>
    IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Aborts an upload that <see cref="PutAsync"/> started but could not finish or abort itself
    /// (the store was unreachable at that moment). Idempotent: an unknown upload id succeeds.
    /// </summary>
    Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default);
}

/// <summary>Optional hooks and limits for one <see cref="IArtefactStore.PutAsync"/>.</summary>
public sealed record PutOptions
{
    /// <summary>
    /// Called once a store-side upload exists that must be aborted if this process dies
    /// (S3 multipart upload id), before any part is sent; the caller records it durably so a
    /// later run can call <see cref="IArtefactStore.AbortUploadAsync"/>.
    /// </summary>
    public Func<string, Task>? UploadStarted { get; init; }

    /// <summary>Called when the upload started by <see cref="UploadStarted"/> was completed or aborted.</summary>
    public Func<string, Task>? UploadFinished { get; init; }

    /// <summary>Called as bytes are sent, with the running total (for progress displays).</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Content type stored with the object.</summary>
    public string ContentType { get; init; } = "application/octet-stream";
}

/// <summary>How the store proved that what it holds is what was sent.</summary>
public enum UploadVerification
{
    /// <summary>Single-part upload: the ETag equals the MD5 of the bytes sent.</summary>
    SinglePartMd5,
    /// <summary>Multipart upload: the ETag equals md5(concatenated part MD5s)-N, as AWS S3 and Oracle compute it.</summary>
    MultipartMd5OfPartMd5s,
    /// <summary>Multipart upload answered with the whole object's MD5 (s3rver does this).</summary>
    WholeObjectMd5,
    /// <summary>The ETag was opaque (e.g. server-side encryption); the object was read back and its SHA-256 compared.</summary>
    ReadBackSha256,
    /// <summary>Local file: written to a temporary name, flushed to disk, hashed, then renamed into place.</summary>
    LocalFileSha256,
}

public sealed record StoredObject(string Key, long Size, string Sha256, string? ETag, UploadVerification Verification, int PartCount);

public sealed record StoredObjectInfo(string Key, long Size, DateTimeOffset LastModified, string? ETag);

public class ArtefactStoreException : Exception
{
    public ArtefactStoreException(string message, bool isPermanent, Exception? inner = null) : base(message, inner) => IsPermanent = isPermanent;

    public ArtefactStoreException() : this("artefact store error", false) { }
    public ArtefactStoreException(string message) : this(message, false) { }
    public ArtefactStoreException(string message, Exception inner) : this(message, false, inner) { }

    /// <summary>Retrying cannot help (access denied, missing bucket, missing key, checksum mismatch).</summary>
    public bool IsPermanent { get; }
}

public sealed class ArtefactNotFoundException : ArtefactStoreException
{
    public ArtefactNotFoundException(string key, string storeDescription)
        : base($"no artefact '{key}' in {storeDescription}", isPermanent: true) => Key = key;

    public ArtefactNotFoundException() : base("artefact not found", true) => Key = "";
    public ArtefactNotFoundException(string message) : base(message, true) => Key = "";
    public ArtefactNotFoundException(string message, Exception inner) : base(message, true, inner) => Key = "";

    public string Key { get; }
}
