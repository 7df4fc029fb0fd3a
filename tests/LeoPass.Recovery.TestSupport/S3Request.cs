namespace LeoPass.Recovery.TestSupport;

/// <summary>One S3 request (path-style addressing) as <see cref="S3FaultProxy"/> saw it.</summary>
public sealed record S3Request(string Method, string Bucket, string Key, string Query, IReadOnlyDictionary<string, string> Headers, long BodyLength)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public bool HasQuery(string name) =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Any(p => p.Split('=')[0] == name);

    public string? QueryValue(string name) =>
        Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name)
            .Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")
            .FirstOrDefault();

    /// <summary>PutObject: a PUT of an object with no sub-resource.</summary>
    public bool IsPutObject => Method == "PUT" && Key.Length > 0 && Query.Length <= 1;

    public bool IsInitiateMultipartUpload => Method == "POST" && HasQuery("uploads");

    public bool IsCompleteMultipartUpload => Method == "POST" && HasQuery("uploadId");

    public bool IsUploadPart => Method == "PUT" && HasQuery("partNumber") && HasQuery("uploadId");

    public int? PartNumber => int.TryParse(QueryValue("partNumber"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    public bool IsHead => Method == "HEAD";

    public bool IsDelete => Method == "DELETE" && Key.Length > 0 && !HasQuery("uploadId");

    /// <summary>A write that creates an object under <see cref="Key"/> (PutObject or CompleteMultipartUpload).</summary>
    public bool CreatesObject => IsPutObject || IsCompleteMultipartUpload;
}
