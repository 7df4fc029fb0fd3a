using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// The decrypted dump of a run, at a path named by the run (so a repeated attempt overwrites
/// rather than accumulates). It is plaintext production data: owner-only, written under a
/// temporary name and renamed when complete, deleted once restored.
/// </summary>
public sealed class DumpFiles(RecoverySettings settings, ArtefactReader reader)
{
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

    public void DeleteRun(long runId)
    {
        var directory = DirectoryFor(runId);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
