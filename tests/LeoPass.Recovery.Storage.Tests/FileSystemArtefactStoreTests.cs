using LeoPass.Recovery.Storage.FileSystem;

namespace LeoPass.Recovery.Storage.Tests;

public sealed class FileSystemArtefactStoreTests : ArtefactStoreConformanceTests
{
    private readonly string _root = Path.Combine(Directory.CreateTempSubdirectory("leopass-fs-store-").FullName, "backups");

    protected override Task<IArtefactStore> CreateStoreAsync() => Task.FromResult<IArtefactStore>(new FileSystemArtefactStore(_root));
    protected override UploadVerification ExpectedSinglePartVerification => UploadVerification.LocalFileSha256;
    protected override UploadVerification ExpectedMultipartVerification => UploadVerification.LocalFileSha256;
    protected override int ExpectedPartCount(long size) => 1;
    protected override ReplaceProtection ExpectedReplaceProtection => ReplaceProtection.ExclusiveRename;

    [Fact]
    public async Task Concurrent_puts_to_one_key_keep_exactly_one_whole_object_and_no_partial_file()
    {
        await AssertConcurrentPutsToOneKeyKeepExactlyOneAsync();
        await AssertNoUploadLeftoversAsync();
    }

    protected override Task AssertNoUploadLeftoversAsync()
    {
        Assert.Empty(Directory.Exists(_root) ? Directory.EnumerateFiles(_root, ".leopass-partial-*", SearchOption.AllDirectories) : []);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);
    }
}
