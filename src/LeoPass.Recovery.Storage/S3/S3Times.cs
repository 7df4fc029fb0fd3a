using Amazon.S3.Model;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>The SDK's times (local or unspecified <see cref="DateTime"/>s) as UTC offsets.</summary>
internal static class S3Times
{
    public static DateTimeOffset ToOffset(DateTime? value) =>
        value is { } time ? new DateTimeOffset(DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.MinValue;

    /// <summary>The Object Lock retain-until date the server reports for an object, if any.</summary>
    public static DateTimeOffset? RetainedUntil(GetObjectMetadataResponse? metadata) =>
        metadata?.ObjectLockRetainUntilDate is { } until && until != default ? ToOffset(until) : null;
}
