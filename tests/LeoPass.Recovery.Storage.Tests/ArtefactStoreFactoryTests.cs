using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage.FileSystem;
using LeoPass.Recovery.Storage.S3;

namespace LeoPass.Recovery.Storage.Tests;

public sealed class ArtefactStoreFactoryTests
{
    [Fact]
    public void Without_a_bucket_the_store_is_the_backup_directory()
    {
        var store = ArtefactStoreFactory.Create(new StorageSettings { BackupDirectory = "/tmp/leopass-factory-test" });

        Assert.IsType<FileSystemArtefactStore>(store);
        Assert.Equal("directory /tmp/leopass-factory-test", store.Description);
    }

    [Fact]
    public void With_a_bucket_the_store_is_S3_and_its_description_hides_the_keys()
    {
        var store = ArtefactStoreFactory.Create(new StorageSettings
        {
            Bucket = "backups", AccessKey = "access-id", SecretKey = "secret-value", Endpoint = new Uri("http://127.0.0.1:9"),
        });
        using var disposable = (IDisposable)store;

        Assert.IsType<S3ArtefactStore>(store);
        Assert.Equal("s3://backups at http://127.0.0.1:9/", store.Description);
        Assert.DoesNotContain("secret-value", store.Description, StringComparison.Ordinal);
    }
}
