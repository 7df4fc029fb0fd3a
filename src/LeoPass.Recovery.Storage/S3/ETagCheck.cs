namespace LeoPass.Recovery.Storage.S3;

/// <summary>Which of the known ETag forms the server's answer matches, if any.</summary>
internal static class ETagCheck
{
    /// <returns>How the ETag proves the upload, or null when it matches no form we can compute (opaque).</returns>
    public static UploadVerification? Match(string? etag, UploadDigests digests, bool multipart)
    {
        var normalized = Normalize(etag);
        if (normalized.Length == 0) return null;
        if (!multipart) return normalized == digests.SinglePartETag() ? UploadVerification.SinglePartMd5 : null;
        if (normalized == digests.MultipartETag()) return UploadVerification.MultipartMd5OfPartMd5s;
        if (normalized == digests.WholeObjectMd5Hex()) return UploadVerification.WholeObjectMd5;
        return null;
    }

    public static string Expected(UploadDigests digests, bool multipart) =>
        multipart ? $"{digests.MultipartETag()} or {digests.WholeObjectMd5Hex()}" : digests.SinglePartETag();

    /// <summary>ETags travel quoted; some servers change case.</summary>
    public static string Normalize(string? etag) => (etag ?? "").Trim().Trim('"').ToLowerInvariant();
}
