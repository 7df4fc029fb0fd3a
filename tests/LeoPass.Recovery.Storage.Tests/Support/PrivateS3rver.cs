using Amazon.Runtime;
using Amazon.S3;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Storage.Tests.Support;

/// <summary>
/// An s3rver for one test class; each test gets a fresh bucket so "empty bucket" means empty,
/// and can inspect the data directory for multipart leftovers (s3rver implements neither
/// ListMultipartUploads nor AbortMultipartUpload).
/// </summary>
public sealed class PrivateS3rver : IAsyncLifetime
{
    public S3rverProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await S3rverProcess.StartNewAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Fast retries, so a test of a failure does not wait for production backoff.</summary>
    public S3StoreOptions Options(string bucket, string secretKey = S3rverProcess.SecretKey) => new()
    {
        Bucket = bucket,
        AccessKey = S3rverProcess.AccessKey,
        SecretKey = secretKey,
        Endpoint = Server.Endpoint,
        PartSize = S3StoreOptions.MinimumPartSize,
        RequestTimeout = TimeSpan.FromSeconds(20),
        Retry = new RetryOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
    };

    public async Task<string> CreateBucketAsync()
    {
        var bucket = $"t-{Guid.NewGuid():N}";
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey),
            new AmazonS3Config { ServiceURL = Server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await client.PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>Where s3rver 3.7.1 keeps unfinished multipart uploads: one folder per upload id, one file per part.</summary>
    public string UploadsDirectory(string bucket) => Path.Combine(Server.DataDirectory, bucket, "._S3rver_uploads");

    public IReadOnlyList<string> UnfinishedUploads(string bucket) =>
        Directory.Exists(UploadsDirectory(bucket)) ? [.. Directory.EnumerateDirectories(UploadsDirectory(bucket)).Select(Path.GetFileName)!] : [];
}
