using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LeoPass.Recovery.Storage.FileSystem;

/// <summary>
/// Artefacts as files under one root directory (BACKUP_DIR). An upload streams into a partial
/// file beside its target, is hashed as it goes, flushed to disk, then renamed into place only if
/// the name is still free (<see cref="NoReplaceRename"/>), so a reader never sees a half-written
/// artefact under its key and no write ever replaces an existing one.
/// </summary>
public sealed class FileSystemArtefactStore : IArtefactStore
{
    private readonly string _root;
    private readonly FileSystemStoreOptions _options;

    public FileSystemArtefactStore(string rootDirectory, FileSystemStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _root = Path.GetFullPath(rootDirectory);
        _options = options ?? new FileSystemStoreOptions();
    }

    public string RootDirectory => _root;

    public string Description => $"directory {_root}";

    public async Task<StoredObject> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        options ??= new PutOptions();
        var directory = Path.GetDirectoryName(path)!;
        Guard(() => CreateDirectory(directory), $"create directory {directory}");

        // Fails fast, before a whole dump is streamed to a name that is taken; the rename decides.
        if (File.Exists(path)) throw new ArtefactAlreadyExistsException(key, Description);

        var uploadId = PartialFileName.NewUploadId();
        var partialPath = Path.Combine(directory, PartialFileName.For(Path.GetFileName(path), uploadId));
        if (options.UploadStarted is { } started) await started(uploadId);
        try
        {
            var (size, sha256) = await WriteFlushedAsync(partialPath, content, options.Progress, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var renamed = Guard(() => NoReplaceRename.Rename(partialPath, path), $"rename {partialPath} to {path}");
            if (renamed == NoReplaceRename.Outcome.TargetExists) throw new ArtefactAlreadyExistsException(key, Description, "it appeared while this one was being written");
            return new StoredObject(key, size, sha256, ETag: null, UploadVerification.LocalFileSha256, PartCount: 1)
            {
                ReplaceProtection = ReplaceProtection.ExclusiveRename,
            };
        }
        finally
        {
            // After a successful move this is a no-op; after any failure it removes the partial file.
            TryDelete(partialPath);
            if (options.UploadFinished is { } finished) await finished(uploadId);
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0,
            });
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || (e is UnauthorizedAccessException && Directory.Exists(path)))
        {
            throw new ArtefactNotFoundException(key, Description);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Translate(e, $"open {path}");
        }
    }

    public Task<StoredObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? Describe(key, file) : null);
    }

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StoreKeyRules.ValidatePrefix(prefix);
        if (!Directory.Exists(_root)) yield break;
        var found = Guard(() => Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Where(path => !PartialFileName.IsPartial(Path.GetFileName(path)))
            .Select(path => (Key: Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'), Path: path))
            .Where(entry => entry.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .ToList(), $"list {_root}");
        foreach (var (key, path) in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = new FileInfo(path);
            // A file deleted between listing and here is simply no longer there.
            if (file.Exists) yield return Describe(key, file);
        }
        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Guard(() => { if (File.Exists(path)) File.Delete(path); }, $"delete {path}");
        return Task.CompletedTask;
    }

    public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (PartialFileName.IsWellFormedUploadId(uploadId))
        {
            TryDelete(Path.Combine(Path.GetDirectoryName(path)!, PartialFileName.For(Path.GetFileName(path), uploadId)));
        }
        return Task.CompletedTask;
    }

    private async Task<(long Size, string Sha256)> WriteFlushedAsync(string partialPath, Stream content, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous, BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = _options.FileMode;
            await using var file = Guard(() => new FileStream(partialPath, fileOptions), $"create {partialPath}");
            long size = 0;
            int read;
            // Exceptions from the content stream propagate untouched: they are the caller's, not the store's.
            while ((read = await content.ReadAsync(buffer.AsMemory(0, _options.BufferSize), cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                try
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw Translate(e, $"write {partialPath}");
                }
                size += read;
                progress?.Invoke(size);
            }
            // The rename must never publish bytes that are still only in the page cache.
            Guard(() => file.Flush(flushToDisk: true), $"flush {partialPath}");
            return (size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string PathOf(string key)
    {
        StoreKeyRules.Validate(key);
        if (key.Split('/').Any(PartialFileName.IsPartial))
        {
            throw new ArtefactStoreException($"invalid artefact key '{key}': names starting with '{PartialFileName.Prefix}' are reserved for uploads in progress", isPermanent: true);
        }
        var path = Path.GetFullPath(Path.Combine(_root, key));
        // Belt and braces: the key rules already forbid escaping the root.
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArtefactStoreException($"invalid artefact key '{key}': it resolves outside {_root}", isPermanent: true);
    }

    /// <summary>
    /// Creates every missing level with <see cref="FileSystemStoreOptions.DirectoryMode"/>
    /// (Directory.CreateDirectory applies a mode to the last level only). Existing directories,
    /// such as a BACKUP_DIR prepared by an operator, keep their mode.
    /// </summary>
    private void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        var missing = new Stack<string>();
        for (var level = directory; !Directory.Exists(level); level = Path.GetDirectoryName(level)!) missing.Push(level);
        while (missing.TryPop(out var level)) Directory.CreateDirectory(level, _options.DirectoryMode);
    }

    private static StoredObjectInfo Describe(string key, FileInfo file) =>
        new(key, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), ETag: null);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private T Guard<T>(Func<T> action, string what)
    {
        try { return action(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Translate(e, what); }
    }

    private void Guard(Action action, string what) => Guard(() => { action(); return 0; }, what);

    private ArtefactStoreException Translate(Exception e, string what) => e switch
    {
        UnauthorizedAccessException => new ArtefactStoreException(
            $"permission denied: could not {what}: give the user running LeoPass read/write access to {_root} or change BACKUP_DIR", isPermanent: true, e),
        _ => new ArtefactStoreException($"could not {what}: {e.Message}", isPermanent: false, e),
    };
}
