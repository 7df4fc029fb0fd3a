using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Streams;
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
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 20, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            ArtefactReadResult result;
            await using (var file = new FileStream(partial, options))
            {
                var writing = new EarlyWritebackFileStream(file);
                result = await reader.ReadAsync(manifest, writing, null, cancellationToken);
                // On disk before it gets its final name: after a crash a complete-looking name must
                // mean complete content (the size check alone would pass a file of zeros). It also
                // leaves pg_restore, next, a clean page cache instead of 0.5 GB of writeback.
                writing.FlushToDisk();
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

    /// <summary>True when the run's dump file is complete (its size is the manifest's dump size).</summary>
    public bool IsComplete(long runId, BackupManifest manifest)
    {
        var file = new FileInfo(PathFor(runId, manifest));
        return file.Exists && file.Length == manifest.Sizes.DumpBytes;
    }

    public void DeleteRun(long runId)
    {
        var directory = DirectoryFor(runId);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
