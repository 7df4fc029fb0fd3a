using LeoPass.Recovery.Storage.FileSystem;
using LeoPass.Recovery.Storage.Tests.Support;

namespace LeoPass.Recovery.Storage.Tests;

/// <summary>What only the filesystem store can get wrong: permissions and a dead process's partial files.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileSystemArtefactStoreSafetyTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("leopass-fs-safety-").FullName;
    private string Root => Path.Combine(_parent, "backups");

    [Fact]
    public async Task Directories_are_created_private_and_files_readable_only_by_the_owner()
    {
        var store = new FileSystemArtefactStore(Root);

        await store.PutAsync("nested/leopass-x", new GeneratedContentStream(10));

        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(owner, File.GetUnixFileMode(Root));
        Assert.Equal(owner, File.GetUnixFileMode(Path.Combine(Root, "nested")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Root, "nested", "leopass-x")));
    }

    [Fact]
    public async Task Partial_file_of_a_dead_upload_is_not_listed_and_is_removed_by_abort()
    {
        var store = new FileSystemArtefactStore(Root);
        string? uploadId = null;
        string? partialPath = null;
        var content = new GeneratedContentStream(100_000)
        {
            HookAt = 50_000,
            Hook = () => { partialPath = Directory.EnumerateFiles(Root, ".leopass-partial-*").Single(); return Task.CompletedTask; },
            FailAt = 60_000,
        };
        await Assert.ThrowsAsync<ContentFailedException>(() => store.PutAsync("leopass-dead", content, new PutOptions { UploadStarted = id => { uploadId = id; return Task.CompletedTask; } }));
        // A process that dies mid-upload cannot clean up: put back what it would have left.
        Assert.False(File.Exists(partialPath));
        await File.WriteAllTextAsync(partialPath!, "half a dump");

        Assert.Empty(await StoreAssert.ListAllAsync(store));
        Assert.Null(await store.HeadAsync("leopass-dead"));

        await store.AbortUploadAsync("leopass-dead", uploadId!);

        Assert.Empty(Directory.EnumerateFileSystemEntries(Root));
    }

    [Fact]
    public async Task Keys_naming_partial_files_are_refused()
    {
        var store = new FileSystemArtefactStore(Root);

        var error = await Assert.ThrowsAsync<ArtefactStoreException>(() => store.HeadAsync(".leopass-partial-0123-x"));

        Assert.True(error.IsPermanent);
    }

    public void Dispose() => Directory.Delete(_parent, recursive: true);
}
