namespace LeoPass.Recovery.Core.Configuration;

/// <summary>How the dump is compressed before it is encrypted. zstd is fast and small; gzip matches the runbook's wording.</summary>
public enum CompressionKind
{
    Zstd,
    Gzip,
    None,
}

public static class CompressionKindExtensions
{
    /// <summary>The object key suffix for this compression (".zst", ".gz", or nothing).</summary>
    public static string Suffix(this CompressionKind kind) => kind switch
    {
        CompressionKind.Zstd => ".zst",
        CompressionKind.Gzip => ".gz",
        _ => "",
    };

    public static string Name(this CompressionKind kind) => kind.ToString().ToLowerInvariant();
}
