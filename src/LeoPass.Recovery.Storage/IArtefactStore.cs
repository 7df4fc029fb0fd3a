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
/// <item>A write never replaces an object: when the key is taken, <see cref="PutAsync"/> throws
/// <see cref="ArtefactAlreadyExistsException"/> and the object under the key is left exactly as it was.
/// Two writers racing for one key: at most one succeeds (see <see cref="ReplaceProtection"/> for how
/// strongly each store can promise this).</item>
/// <item>Delete is idempotent: deleting a missing key succeeds. A delete the store refuses because
/// the object is still under a retention lock throws <see cref="ArtefactRetainedException"/>.</item>
/// </list>
/// </summary>
public interface IArtefactStore
{
    /// <summary>Where this store writes, safe to print (no credentials).</summary>
    string Description { get; }

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>, which must be free: an existing
    /// object is never replaced (<see cref="ArtefactAlreadyExistsException"/>). Returns the stored size
    /// and SHA-256 (of the bytes as stored), how the upload was verified and how replacing was prevented.
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

/// <summary>How a store made sure a write did not replace an existing object.</summary>
public enum ReplaceProtection
{
    /// <summary>Local file renamed into place with renameat2(RENAME_NOREPLACE), or link + unlink: atomic, the kernel refuses a taken name.</summary>
    ExclusiveRename,
    /// <summary>S3 conditional write (If-None-Match: *) on PutObject and CompleteMultipartUpload: atomic, the server refuses a taken key.</summary>
    ConditionalWrite,
    /// <summary>
    /// The server ignores conditional writes (s3rver does): the key was checked to be free just before
    /// the write. Not atomic — two writers racing for one key could still replace each other — which is
    /// why artefact keys are unique per backup and a backup on such a store says so in its manifest and log.
    /// </summary>
    CheckedBeforeWrite,
}

/// <param name="RetainedUntil">The retention lock the store confirmed on the object (S3 Object Lock), or null.</param>
public sealed record StoredObject(string Key, long Size, string Sha256, string? ETag, UploadVerification Verification, int PartCount)
{
    public ReplaceProtection ReplaceProtection { get; init; }
    public DateTimeOffset? RetainedUntil { get; init; }
}

/// <param name="RetainedUntil">Until when the store keeps the object under a retention lock (S3 Object Lock), when it says so.</param>
public sealed record StoredObjectInfo(string Key, long Size, DateTimeOffset LastModified, string? ETag)
{
    public DateTimeOffset? RetainedUntil { get; init; }
}

public class ArtefactStoreException : Exception
{
    public ArtefactStoreException(string message, bool isPermanent, Exception? inner = null) : base(message, inner) => IsPermanent = isPermanent;

    public ArtefactStoreException() : this("artefact store error", false) { }
    public ArtefactStoreException(string message) : this(message, false) { }
    public ArtefactStoreException(string message, Exception inner) : this(message, false, inner) { }

    /// <summary>Retrying cannot help (access denied, missing bucket, missing key, checksum mismatch).</summary>
    public bool IsPermanent { get; }
}

/// <summary>A write was refused because the key already holds an object; that object was left intact.</summary>
public sealed class ArtefactAlreadyExistsException : ArtefactStoreException
{
    public ArtefactAlreadyExistsException(string key, string storeDescription, string? detail = null)
        : base($"refusing to replace '{key}' in {storeDescription}: an object already exists under that key{(detail is null ? "" : $" ({detail})")}. " +
               "Artefacts are never overwritten; the existing object was left intact. Another backup may be writing the same key: check `backup list --refresh`.",
            isPermanent: true) => Key = key;

    public ArtefactAlreadyExistsException() : base("artefact already exists", true) => Key = "";
    public ArtefactAlreadyExistsException(string message) : base(message, true) => Key = "";
    public ArtefactAlreadyExistsException(string message, Exception inner) : base(message, true, inner) => Key = "";

    public string Key { get; }
}

/// <summary>A delete was refused because the object is still under a retention lock (S3 Object Lock, a bucket retention rule).</summary>
public sealed class ArtefactRetainedException : ArtefactStoreException
{
    public ArtefactRetainedException(string key, string storeDescription, string detail, Exception? inner = null)
        : base($"{storeDescription} refused to delete '{key}', which is still under a retention lock: {detail}", isPermanent: true, inner) => Key = key;

    public ArtefactRetainedException() : base("artefact retained", true) => Key = "";
    public ArtefactRetainedException(string message) : base(message, true) => Key = "";
    public ArtefactRetainedException(string message, Exception inner) : base(message, true, inner) => Key = "";

    public string Key { get; }
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
