using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>An S3 Object Lock retention for one object: its mode and the instant it ends.</summary>
internal sealed record ObjectLockRetention(RetentionLockMode Mode, DateTimeOffset RetainUntil);

/// <summary>What a write asks of the server beyond storing the bytes.</summary>
/// <param name="IfNoneMatch">Send <c>If-None-Match: *</c>: refuse the write when the key is taken.</param>
/// <param name="Lock">Put this Object Lock retention on the object.</param>
internal sealed record WriteConditions(bool IfNoneMatch, ObjectLockRetention? Lock);

/// <summary>A conditional write's outcome: the response, or the server's refusal because the key is taken.</summary>
internal sealed class WriteAnswer<T> where T : class
{
    private WriteAnswer(T? response) => Response = response;

    public T? Response { get; }

    public bool IsRefused => Response is null;

    public static WriteAnswer<T> Written(T response) => new(response);

    public static WriteAnswer<T> Refused() => new(null);
}
