using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage.FileSystem;
using LeoPass.Recovery.Storage.S3;

namespace LeoPass.Recovery.Storage;

/// <summary>Picks the store the configuration asks for: S3 when OCI_BUCKET is set, else the directory BACKUP_DIR.</summary>
public static class ArtefactStoreFactory
{
    /// <param name="clock">"Now" for Object Lock retain-until dates (BACKUP_OBJECT_LOCK).</param>
    public static IArtefactStore Create(StorageSettings settings, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Bucket is null) return new FileSystemArtefactStore(settings.BackupDirectory);
        return new S3ArtefactStore(new S3StoreOptions
        {
            Bucket = settings.Bucket,
            AccessKey = settings.AccessKey ?? throw new ArgumentException("OCI_S3_ACCESS_KEY is required when OCI_BUCKET is set", nameof(settings)),
            SecretKey = settings.SecretKey ?? throw new ArgumentException("OCI_S3_SECRET_KEY is required when OCI_BUCKET is set", nameof(settings)),
            Endpoint = settings.Endpoint ?? throw new ArgumentException("OCI_S3_ENDPOINT is required when OCI_BUCKET is set", nameof(settings)),
            Region = settings.Region,
            ObjectLock = settings.ObjectLock,
            ParallelParts = settings.ParallelParts,
            Clock = clock ?? TimeProvider.System,
        });
    }
}
