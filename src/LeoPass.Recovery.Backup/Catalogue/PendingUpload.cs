namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// A store-side upload (S3 multipart upload) that was started and not yet completed or
/// aborted. Recorded before the first part is sent so that, if the store was unreachable
/// when the upload failed (or this process died), the next backup aborts it: no orphan
/// multipart upload keeps costing storage.
/// </summary>
public sealed class PendingUpload
{
    public required string Key { get; set; }
    public required string UploadId { get; set; }
    public required DateTimeOffset StartedAt { get; set; }
}
