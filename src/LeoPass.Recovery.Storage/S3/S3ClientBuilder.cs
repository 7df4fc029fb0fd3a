using Amazon.Runtime;
using Amazon.S3;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// The one SDK configuration that works with Oracle Cloud Object Storage and s3rver alike:
/// path-style addressing, checksums only when an operation requires them (otherwise the SDK
/// sends aws-chunked bodies with trailers those servers store verbatim), and no SDK retries —
/// retrying is <see cref="TransientRetryPolicy"/>'s job, so it happens once and visibly.
/// </summary>
internal static class S3ClientBuilder
{
    public static AmazonS3Client Build(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
            Timeout = options.RequestTimeout,
        };
        options.ConfigureClient?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
