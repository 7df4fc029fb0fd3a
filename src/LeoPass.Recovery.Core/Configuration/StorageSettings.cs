namespace LeoPass.Recovery.Core.Configuration;

/// <summary>Where artefacts live: an S3-compatible bucket when OCI_BUCKET is set, else a local directory.</summary>
public sealed record StorageSettings
{
    public const string DefaultBackupDirectory = "/var/opt/leopass/backups";

    public string? Bucket { get; init; }
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public Uri? Endpoint { get; init; }
    public string Region { get; init; } = "us-east-1";
    public string BackupDirectory { get; init; } = DefaultBackupDirectory;

    /// <summary>BACKUP_OBJECT_LOCK: an S3 Object Lock on every object written, for BACKUP_RETENTION_DAYS; null for none.</summary>
    public RetentionLock? ObjectLock { get; init; }

    public const int DefaultParallelParts = 4;

    /// <summary>BACKUP_S3_PARALLEL_PARTS: multipart parts uploaded at once (1–16); memory holds this many parts plus one.</summary>
    public int ParallelParts { get; init; } = DefaultParallelParts;

    public bool UsesObjectStorage => Bucket is not null;

    /// <summary>What is stored where, safe to print.</summary>
    public string Describe() => UsesObjectStorage ? $"s3://{Bucket} at {Endpoint?.ToString() ?? "(AWS default endpoint)"}" : $"directory {BackupDirectory}";

    /// <param name="retentionDays">BACKUP_RETENTION_DAYS: how long an object lock holds.</param>
    internal static StorageSettings Read(EnvironmentReader env, int retentionDays)
    {
        var settings = new StorageSettings
        {
            Bucket = env.Text("OCI_BUCKET"),
            AccessKey = env.Text("OCI_S3_ACCESS_KEY"),
            SecretKey = env.Text("OCI_S3_SECRET_KEY"),
            Endpoint = env.HttpUrl("OCI_S3_ENDPOINT"),
            Region = env.Text("OCI_REGION") ?? "us-east-1",
            BackupDirectory = Path.GetFullPath(env.Text("BACKUP_DIR") ?? DefaultBackupDirectory),
            ObjectLock = ReadObjectLock(env, retentionDays),
            ParallelParts = env.Integer("BACKUP_S3_PARALLEL_PARTS", DefaultParallelParts, 1, 16),
        };
        if (settings.ObjectLock is { } objectLock && settings.Bucket is null)
        {
            env.AddProblem($"BACKUP_OBJECT_LOCK='{objectLock.ModeName}' needs object storage: the filesystem store (BACKUP_DIR) cannot lock files against deletion. " +
                "Set OCI_BUCKET to a bucket with Object Lock enabled, or unset BACKUP_OBJECT_LOCK.");
        }
        if (settings.Bucket is not null)
        {
            if (settings.AccessKey is null) env.AddProblem("OCI_S3_ACCESS_KEY is not set: OCI_BUCKET selects object storage, which needs an access key (an Oracle Cloud 'Customer Secret Key' ID).");
            if (settings.SecretKey is null) env.AddProblem("OCI_S3_SECRET_KEY is not set: OCI_BUCKET selects object storage, which needs the secret of OCI_S3_ACCESS_KEY.");
            if (settings.Endpoint is null && env.Text("OCI_S3_ENDPOINT") is null)
            {
                env.AddProblem("OCI_S3_ENDPOINT is not set: expected the S3-compatible endpoint, e.g. https://<namespace>.compat.objectstorage.<region>.oraclecloud.com.");
            }
        }
        return settings;
    }

    private static RetentionLock? ReadObjectLock(EnvironmentReader env, int retentionDays)
    {
        var mode = env.Choice<RetentionLockMode?>("BACKUP_OBJECT_LOCK", null, new Dictionary<string, RetentionLockMode?>
        {
            ["governance"] = RetentionLockMode.Governance,
            ["compliance"] = RetentionLockMode.Compliance,
            ["none"] = null,
        });
        return mode is { } m ? new RetentionLock(m, retentionDays) : null;
    }
}
