using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// Turns what the SDK throws into <see cref="ArtefactStoreException"/>s that say what to do, and
/// decides which failures are worth retrying: the server's refusals (403, missing bucket, 4xx)
/// are permanent; no answer, timeouts, throttling and 5xx are transient.
/// </summary>
internal sealed class S3ErrorTranslator(S3StoreOptions options)
{
    private static readonly HashSet<string> AccessDeniedCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "InvalidToken", "ExpiredToken",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "Throttling", "TooManyRequests",
    };

    private string Endpoint => options.Endpoint.ToString();

    /// <summary>
    /// The exception to throw instead of <paramref name="error"/>. The caller's own cancellation
    /// is returned unchanged: it is not a store failure.
    /// </summary>
    public Exception Translate(Exception error, string operation, string? key, CancellationToken cancellationToken)
    {
        if (error is ArtefactStoreException) return error;
        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested) return error;
        return error switch
        {
            AmazonS3Exception s3 when s3.StatusCode != 0 => FromServerAnswer(s3, operation, key),
            OperationCanceledException or TimeoutException =>
                Transient($"{operation}: {Endpoint} did not answer in time", error),
            _ when IsNetworkFailure(error) =>
                Transient($"{operation}: cannot reach {Endpoint} ({Innermost(error).Message})", error),
            AmazonClientException =>
                Transient($"{operation} failed at {Endpoint}: {Scrub(error.Message)}", error),
            _ => new ArtefactStoreException($"{operation} failed at {Endpoint}: {Scrub(error.Message)}", isPermanent: true, error),
        };
    }

    public static bool IsNotFound(Exception error) =>
        error is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } s3 && !IsNoSuchBucket(s3);

    public static bool IsNoSuchBucket(AmazonS3Exception error) => string.Equals(error.ErrorCode, "NoSuchBucket", StringComparison.OrdinalIgnoreCase);

    /// <summary>A conditional write (If-None-Match: *) refused because the key holds an object, or another conditional write to it is in flight.</summary>
    public static bool IsKeyTaken(AmazonS3Exception error) =>
        error.StatusCode == HttpStatusCode.PreconditionFailed
        || (error.StatusCode == HttpStatusCode.Conflict && string.Equals(error.ErrorCode, "ConditionalRequestConflict", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A delete refused because of a retention lock: AWS answers 403 for a version under Object Lock,
    /// other stores 403 or 409 naming the retention. Without a configured lock, only an answer that
    /// says so counts; a plain 403 is missing permission and stays an error.
    /// </summary>
    public bool IsRetentionRefusal(AmazonS3Exception error)
    {
        if (error.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Conflict)) return false;
        var text = $"{error.ErrorCode} {error.Message}";
        var namesRetention = text.Contains("lock", StringComparison.OrdinalIgnoreCase) || text.Contains("retention", StringComparison.OrdinalIgnoreCase);
        return namesRetention || (options.ObjectLock is not null && error.StatusCode == HttpStatusCode.Conflict);
    }

    /// <summary>The server does not implement the request at all (s3rver has no AbortMultipartUpload).</summary>
    public static bool IsUnsupported(Exception error) =>
        error is AmazonS3Exception { StatusCode: HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented };

    private Exception FromServerAnswer(AmazonS3Exception error, string operation, string? key)
    {
        var status = (int)error.StatusCode;
        if (status == 403 || AccessDeniedCodes.Contains(error.ErrorCode ?? ""))
        {
            return new ArtefactStoreException(
                $"{operation}: access denied by {Endpoint} ({error.ErrorCode ?? "403"}): check OCI_S3_ACCESS_KEY / OCI_S3_SECRET_KEY (rotate them if they were revoked)",
                isPermanent: true, error);
        }
        if (IsNoSuchBucket(error))
        {
            return new ArtefactStoreException(
                $"{operation}: bucket '{options.Bucket}' does not exist at {Endpoint}: create it or fix OCI_BUCKET", isPermanent: true, error);
        }
        if (key is not null && (status == 404 || string.Equals(error.ErrorCode, "NoSuchKey", StringComparison.OrdinalIgnoreCase)))
        {
            return new ArtefactNotFoundException(key, options.Describe());
        }
        var what = $"{operation}: {Endpoint} answered {status} {error.ErrorCode}: {Scrub(error.Message)}";
        if (options.ObjectLock is not null && status == 400 && error.Message.Contains("Object Lock", StringComparison.OrdinalIgnoreCase))
        {
            what += $": BACKUP_OBJECT_LOCK={options.ObjectLock.ModeName} needs a bucket created with Object Lock enabled (and versioning); enable it on '{options.Bucket}' or unset BACKUP_OBJECT_LOCK";
        }
        return status >= 500 || status is 408 or 429 || TransientCodes.Contains(error.ErrorCode ?? "")
            ? Transient(what, error)
            : new ArtefactStoreException(what, isPermanent: true, error);
    }

    private static bool IsNetworkFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or IOException or WebException) return true;
        }
        return false;
    }

    private static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static ArtefactStoreException Transient(string message, Exception inner) => new(message, isPermanent: false, inner);

    /// <summary>Server messages are echoed into ours; make sure the secret never is.</summary>
    private string Scrub(string message) =>
        options.SecretKey.Length == 0 ? message : message.Replace(options.SecretKey, "***", StringComparison.Ordinal);
}
