using System.Diagnostics;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Reading;

namespace LeoPass.Recovery.Backup.Restore;

public sealed record PlainRestoreResult(string Key, string TargetDatabase, bool CreatedDatabase, long DumpBytes, int Tables, TimeSpan Duration);

/// <summary>
/// `backup restore`: the restore of the runbook's steps 3–4 without the workflow around it.
/// Everything that can refuse the restore (wrong target, unknown key, unusable private key,
/// corrupt artefact) does so before pg_restore touches the target.
/// </summary>
public sealed class PlainRestore(ArtefactReader reader, string? sourceConnectionString)
{
    public async Task<PlainRestoreResult> RunAsync(string keyOrLatest, string target, int jobs, bool noOwner, string workDirectory,
        IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        observer ??= NullBackupObserver.Instance;
        var stopwatch = Stopwatch.StartNew();
        RestoreTarget.EnsureNotSource(target, sourceConnectionString);
        var manifest = await reader.ResolveAsync(keyOrLatest, cancellationToken);

        var dumpFile = await DownloadToFileAsync(manifest, workDirectory, observer, cancellationToken);
        try
        {
            observer.Stage("provision", $"preparing database {Core.Configuration.PostgresConnectionString.Describe(target)}");
            var created = await RestoreTarget.EnsureExistsAsync(target, cancellationToken);
            observer.Stage("restore", $"pg_restore --jobs {jobs}");
            await PgRestoreRunner.RunAsync(dumpFile.Path, target, jobs, noOwner, cancellationToken);
            observer.Stage("validate", "comparing row counts with the manifest");
            var mismatches = await RowCountCheck.CompareAsync(target, manifest.Tables, cancellationToken);
            if (mismatches.Count > 0)
            {
                throw new BackupException($"restored {manifest.Key} but {mismatches.Count} table(s) differ from the manifest: {string.Join("; ", mismatches.Take(5))}") { Stage = "validate" };
            }
            return new PlainRestoreResult(manifest.Key, Core.Configuration.PostgresConnectionString.Describe(target), created, dumpFile.Result.DumpBytes, manifest.Tables.Count, stopwatch.Elapsed);
        }
        finally
        {
            File.Delete(dumpFile.Path);
        }
    }

    /// <summary>Decrypted dumps are plaintext production data: owner-only permissions, deleted when done or failed.</summary>
    public async Task<(string Path, ArtefactReadResult Result)> DownloadToFileAsync(Artefacts.BackupManifest manifest, string workDirectory,
        IBackupObserver observer, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        var path = System.IO.Path.Combine(workDirectory, $"{manifest.Key}.{Guid.NewGuid():N}.restore.dump");
        try
        {
            ArtefactReadResult result;
            // Unbuffered: the reader writes 128 KiB at a time, and a buffer would only copy the whole dump once more.
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var file = new FileStream(path, fileOptions))
            {
                result = await reader.ReadIntoFileAsync(manifest, file, observer, cancellationToken);
            }
            return (path, result);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
