using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Reading;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// The decrypted dump of a run on this node's disk, under RESTORE_WORK_DIR at a path named by
/// the run (so a repeated attempt overwrites rather than accumulates). It is plaintext production
/// data: owner-only, written under a temporary name and renamed when complete, deleted once
/// restored, and deleted when the run ends otherwise (<see cref="DumpCleanup"/>). Stateless: what
/// a later step needs (the path, the node that wrote it, its size) travels in the download step's
/// output.
/// </summary>
public sealed class DumpFiles(RecoverySettings settings, ArtefactReader reader, BackgroundDeletions deletions, ILogger<DumpFiles> logger)
{
    public const string DeletingMarker = ".deleting-";

    public string WorkDirectory => settings.Runbook.WorkDirectory;

    public string DirectoryFor(long runId) => Path.Combine(WorkDirectory, $"run-{runId}");

    public string PathFor(long runId, BackupManifest manifest) => Path.Combine(DirectoryFor(runId), manifest.Key + ".dump");

    /// <summary>Downloads, checks SHA-256, decrypts and decompresses in one streaming pass into the run's dump file.</summary>
    public async Task<ArtefactReadResult> DownloadAsync(long runId, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var directory = DirectoryFor(runId);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathFor(runId, manifest);
        var partial = path + ".partial";
        File.Delete(partial);
        // A dump of this run from an earlier attempt is stale (this step runs again only when it
        // could not be used): gone first, so its space counts as free.
        File.Delete(path);
        WorkSpace.EnsureRoomFor(manifest, directory);
        try
        {
            // Unbuffered: the reader writes 128 KiB at a time, and a buffer would only copy the whole dump once more.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            ArtefactReadResult result;
            // Not fsynced: pg_restore reads it straight from the page cache, and waiting for the
            // disk cost up to a second per 500 MB here. Only a reboot can lose page cache, and a
            // file from before the last boot never counts as complete (IsCompleteFile).
            await using (var file = new FileStream(partial, options))
            {
                result = await reader.ReadIntoFileAsync(manifest, file, null, cancellationToken);
            }
            File.Move(partial, path, overwrite: true);
            return result;
        }
        catch (Exception e) when (WorkSpace.DiskFullIn(e) is { } full)
        {
            var written = new FileInfo(partial) is { Exists: true } f ? f.Length : 0;
            File.Delete(partial);
            throw WorkSpace.RanOut(manifest, directory, written, full);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>
    /// Null when <paramref name="path"/> is a complete dump this node may restore from: inside
    /// this node's RESTORE_WORK_DIR (a path from another machine's output means nothing here),
    /// of the expected size, written since this machine booted. Otherwise why it is not.
    /// </summary>
    public string? WhyUnusable(string path, long expectedBytes)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(Path.GetFullPath(WorkDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return $"is outside this node's RESTORE_WORK_DIR {WorkDirectory}";
        }
        var file = new FileInfo(full);
        if (!file.Exists) return "is not on this node's disk";
        return IsCompleteFile(file, expectedBytes, SystemBoot.TimeUtc()) ? null : $"is incomplete here ({file.Length} of {expectedBytes} bytes, or written before the last boot)";
    }

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
    /// Deletes a restored dump without the step waiting (it ends when pg_restore does). Renamed
    /// first, so a new download of the same run can never be the file the deletion removes.
    /// </summary>
    public void DeleteInBackground(string path)
    {
        var doomed = path + DeletingMarker + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.Move(path, doomed);
        }
        catch (FileNotFoundException)
        {
            return;
        }
        deletions.Delete(doomed);
    }

    /// <summary>Removes the run's working directory on this node, whatever is in it. True when there was one.</summary>
    public bool DeleteRun(long runId)
    {
        var directory = DirectoryFor(runId);
        for (var attempt = 1; ; attempt++)
        {
            if (!Directory.Exists(directory)) return false;
            try
            {
                Directory.Delete(directory, recursive: true);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A background deletion may be removing a file in it at this moment.
                if (attempt == 3)
                {
                    logger.LogWarning("could not delete {Directory}: {Error}. It may hold production data in plain text: delete it by hand", directory, e.Message);
                    return false;
                }
                Thread.Sleep(100 * attempt);
            }
        }
    }
}
