using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>MD5 as the S3 protocol uses it (Content-MD5, ETags): an integrity check, not security.</summary>
internal static class S3Md5
{
    [SuppressMessage("Security", "CA5351", Justification = "S3 defines Content-MD5 and ETags as MD5; integrity only, SHA-256 is recorded separately.")]
    public static byte[] Hash(ReadOnlySpan<byte> data) => MD5.HashData(data);
}
