using System.Security.Cryptography;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// Decides whether the object under a key is the one an upload sent, when the upload cannot tell
/// from its own answers (the completion's answer was lost, or a retry was refused because the
/// first attempt had already written). By the ETag when it has a form we compute, else by reading
/// the object back and comparing SHA-256. Never deletes anything: the object may be another writer's.
/// </summary>
internal static class UploadOwnership
{
    /// <returns>The object's ETag when it holds exactly the bytes sent, else null (absent, different, or unknowable now).</returns>
    public static async Task<string?> IsOursAsync(S3Bucket bucket, string key, UploadDigests digests, bool multipart, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await bucket.GetObjectMetadataAsync(key, cancellationToken);
            if (metadata is null || metadata.ContentLength != digests.Size) return null;
            if (ETagCheck.Match(metadata.ETag, digests, multipart) is not null) return metadata.ETag;

            using var response = await bucket.GetObjectAsync(key, cancellationToken);
            await using var stream = response.ResponseStream;
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            return sha256 == digests.Sha256Hex() ? metadata.ETag : null;
        }
        catch (Exception e) when (e is ArtefactStoreException or IOException or HttpRequestException)
        {
            return null;
        }
    }
}
