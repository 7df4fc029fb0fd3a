using System.Security.Cryptography;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// Every digest an upload needs, computed once as the bytes go by: SHA-256 of the whole object
/// (recorded in the manifest), MD5 of the whole object (s3rver's multipart ETag) and MD5 of each
/// part (single-part ETag, Content-MD5 of each request, and AWS/Oracle's multipart ETag).
/// </summary>
internal sealed class UploadDigests : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly List<byte[]> _partMd5s = [];

    public long Size { get; private set; }

    public IReadOnlyList<byte[]> PartMd5s => _partMd5s;

    /// <summary>Adds one part and returns its MD5.</summary>
    public byte[] AddPart(ReadOnlySpan<byte> part)
    {
        _sha256.AppendData(part);
        _md5.AppendData(part);
        Size += part.Length;
        var md5 = S3Md5.Hash(part);
        _partMd5s.Add(md5);
        return md5;
    }

    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public string WholeObjectMd5Hex() => Convert.ToHexStringLower(_md5.GetCurrentHash());

    public string SinglePartETag() => WholeObjectMd5Hex();

    /// <summary>md5(concatenated binary part MD5s)-N: what AWS S3 and Oracle answer for a multipart upload.</summary>
    public string MultipartETag()
    {
        var concatenated = _partMd5s.SelectMany(md5 => md5).ToArray();
        return $"{Convert.ToHexStringLower(S3Md5.Hash(concatenated))}-{_partMd5s.Count}";
    }

    public void Dispose()
    {
        _sha256.Dispose();
        _md5.Dispose();
    }
}
