using Amazon.S3;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Storage.S3;

/// <summary>Where and how <see cref="S3ArtefactStore"/> talks to an S3-compatible server.</summary>
public sealed record S3StoreOptions
{
    /// <summary>S3 rejects parts smaller than this (except the last one).</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    public required string Bucket { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }

    /// <summary>The S3-compatible endpoint (Oracle: https://&lt;namespace&gt;.compat.objectstorage.&lt;region&gt;.oraclecloud.com).</summary>
    public required Uri Endpoint { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>Bytes per multipart part. An upload holds at most <see cref="ParallelParts"/> + 1 of them.</summary>
    public int PartSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Multipart parts sent at once (BACKUP_S3_PARALLEL_PARTS) while the next one is filled.</summary>
    public int ParallelParts { get; init; } = StorageSettings.DefaultParallelParts;

    /// <summary>Per-request HTTP timeout; a request that takes longer counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Keys per list request (S3's maximum is 1000); small values exercise paging in tests.</summary>
    public int ListPageSize { get; init; } = 1000;

    public RetryOptions Retry { get; init; } = new();

    /// <summary>Told about every retry (for logs and tests).</summary>
    public Action<RetryAttempt>? OnRetry { get; init; }

    /// <summary>
    /// S3 Object Lock on every object written (BACKUP_OBJECT_LOCK): its mode, and for how long from
    /// the moment of writing. Null writes no lock headers.
    /// </summary>
    public RetentionLock? ObjectLock { get; init; }

    /// <summary>Where "now" comes from for retain-until dates.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Last word on the SDK configuration (tests inject an HTTP handler through it).</summary>
    public Action<AmazonS3Config>? ConfigureClient { get; init; }

    /// <summary>Safe to print: never the keys.</summary>
    public string Describe() => $"s3://{Bucket} at {Endpoint}";

    internal void Validate()
    {
        if (ParallelParts is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(ParallelParts), ParallelParts, "between 1 and 16 parts may be in flight");
        if (PartSize < MinimumPartSize) throw new ArgumentOutOfRangeException(nameof(PartSize), PartSize, $"S3 parts must be at least {MinimumPartSize} bytes.");
        if (string.IsNullOrWhiteSpace(Bucket)) throw new ArgumentException("a bucket name is required (OCI_BUCKET)", nameof(Bucket));
    }
}

/// <summary>How transient failures of one S3 request are retried: exponential backoff with jitter.</summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt; 0 disables retrying.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Base delay; attempt n waits about Delay × 2^n, jittered.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
}
