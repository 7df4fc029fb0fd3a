using System.Collections.Concurrent;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// The decrypted dump of a run, at a path named by the run (so a repeated attempt overwrites
/// rather than accumulates). It is plaintext production data: owner-only, written under a
/// temporary name and renamed when complete, deleted once restored.
/// </summary>
public sealed class DumpFiles(RecoverySettings settings, ArtefactReader reader, ILogger<DumpFiles> logger) : IDisposable
{
    // How long this node's shutdown waits for deletions still under way.
    private static readonly TimeSpan DeletionWaitOnShutdown = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Task, bool> _deletions = new();

    public string DirectoryFor(long runId) => Path.Combine(settings.Runbook.WorkDirectory, $"run-{runId}");

    public string PathFor(long runId, BackupManifest manifest) => Path.Combine(DirectoryFor(runId), manifest.Key + ".dump");

    /// <summary>Downloads, checks SHA-256, decrypts and decompresses in one streaming pass into the run's dump file.</summary>
    public async Task<ArtefactReadResult> DownloadAsync(long runId, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var directory = DirectoryFor(runId);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathFor(runId, manifest);
        var partial = path + ".partial";
        // A deletion still under way must not take the new file with it.
        await Task.WhenAll(_deletions.Keys);
        File.Delete(partial);
        try
        {
            // Unbuffered: the reader writes 128 KiB at a time, and a buffer would only copy the whole dump once more.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            ArtefactReadResult result;
            // Not fsynced: pg_restore reads it straight from the page cache, and waiting for the
            // disk cost up to a second per 500 MB here. Only a reboot can lose page cache, and a
            // file from before the last boot never counts as complete (IsComplete).
            await using (var file = new FileStream(partial, options))
            {
                result = await reader.ReadIntoFileAsync(manifest, file, null, cancellationToken);
            }
            File.Move(partial, path, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>True when the run's dump file is complete: the manifest's dump size, written since this machine booted.</summary>
    public bool IsComplete(long runId, BackupManifest manifest) =>
        IsCompleteFile(new FileInfo(PathFor(runId, manifest)), manifest.Sizes.DumpBytes, SystemBoot.TimeUtc());

    /// <summary>
    /// A file renamed complete but not fsynced can hold zeros after a power loss or a kernel
    /// crash, both of which mean a reboot; so a dump file written before the last boot is
    /// downloaded again rather than trusted on its size. A process crash loses nothing.
    /// </summary>
    public static bool IsCompleteFile(FileInfo file, long expectedBytes, DateTimeOffset? bootedAt)
    {
        file.Refresh();
        if (!file.Exists || file.Length != expectedBytes) return false;
        return bootedAt is null || file.LastWriteTimeUtc > bootedAt.Value.UtcDateTime;
    }

    /// <summary>
    /// Deletes a restored dump without the caller waiting: the kernel takes ~50 ms to unlink a
    /// 500 MB file from the page cache, time the restore step need not spend (it ends when
    /// pg_restore does). <see cref="DeleteRunAsync"/> and this node's shutdown wait for it.
    /// </summary>
    public void DeleteInBackground(string path)
    {
        var deletion = Task.Run(() =>
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("could not delete the restored dump {Path}: {Error}. It holds production data in plain text: delete it by hand", path, e.Message);
            }
        });
        _deletions[deletion] = true;
        deletion.ContinueWith(done => _deletions.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>Removes the run's working directory, once any deletion under way has finished.</summary>
    public async Task DeleteRunAsync(long runId)
    {
        await Task.WhenAll(_deletions.Keys);
        var directory = DirectoryFor(runId);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>A node stopping right after a restore still deletes its dump.</summary>
    public void Dispose()
    {
        if (!Task.WhenAll(_deletions.Keys).Wait(DeletionWaitOnShutdown))
        {
            logger.LogWarning("stopped before the restored dumps under {Directory} were deleted: delete them by hand", settings.Runbook.WorkDirectory);
        }
    }
}
