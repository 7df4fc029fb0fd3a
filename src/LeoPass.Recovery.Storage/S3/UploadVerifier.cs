using System.Security.Cryptography;
using Amazon.Runtime;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// Proves a finished upload: by the ETag when it has a form we can compute, else by reading the
/// object back and comparing SHA-256. An object that fails the proof is deleted — a damaged
/// artefact must never be mistaken for a backup — and the upload fails permanently.
/// </summary>
internal sealed class UploadVerifier(S3Bucket bucket)
{
    public async Task<UploadVerification> VerifyAsync(string key, string? etag, UploadDigests digests, bool multipart, CancellationToken cancellationToken)
    {
        if (ETagCheck.Match(etag, digests, multipart) is { } verification) return verification;

        var readBack = await ReadBackSha256Async(key, cancellationToken);
        if (readBack == digests.Sha256Hex()) return UploadVerification.ReadBackSha256;

        await bucket.DeleteObjectAsync(key, CancellationToken.None);
        throw new ArtefactStoreException(
            $"upload of '{key}' to {bucket.Options.Describe()} is corrupt and was deleted: ETag {ETagCheck.Normalize(etag)} (expected {ETagCheck.Expected(digests, multipart)}), " +
            $"read back {readBack} (expected SHA-256 {digests.Sha256Hex()})",
            isPermanent: true);
    }

    /// <returns>The SHA-256 of the stored bytes, or why they could not be hashed.</returns>
    private async Task<string> ReadBackSha256Async(string key, CancellationToken cancellationToken)
    {
        using var response = await bucket.GetObjectAsync(key, cancellationToken);
        await using var stream = response.ResponseStream;
        try
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }
        // The SDK checks a single-part object's body against its MD5 ETag by itself.
        catch (AmazonClientException e) when (e.Message.Contains("hash", StringComparison.OrdinalIgnoreCase))
        {
            return $"bytes that fail the server's own MD5 ({e.Message})";
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new ArtefactStoreException($"reading '{key}' back from {bucket.Options.Describe()} to verify it failed: {e.Message}", isPermanent: false, e);
        }
    }
}
