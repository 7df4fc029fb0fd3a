using System.Diagnostics;
using System.IO.Pipelines;
using System.Reflection;
using System.Text;
using CliWrap;
using LeoPass.Recovery.Backup.Processes;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Streams;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>
/// One backup: <c>pg_dump -Fc -Z0</c> → compress → OpenPGP encrypt → streamed upload verified
/// against the store's ETag → manifest, written last. Nothing is written to local disk and
/// memory stays bounded by the pipe and the store's part buffers.
/// </summary>
public sealed class BackupPipeline(
    RecoverySettings settings,
    IArtefactStore store,
    BackupCatalogue catalogue,
    CommitMarker commitMarker,
    TimeProvider clock,
    ILogger<BackupPipeline> logger)
{
    // Enough to keep pg_dump, the compressor and the uploader busy at once, small enough to
    // keep peak memory flat whatever the database size.
    private const long PipeBufferBytes = 4 * 1024 * 1024;

    public async Task<BackupResult> RunAsync(IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        observer ??= NullBackupObserver.Instance;
        var stopwatch = Stopwatch.StartNew();
        var source = settings.RequireSourceDatabase();

        // Everything that can be checked before the dump starts is checked first, so a bad key
        // or a locked-out bucket fails in a second, not after an hour of pg_dump.
        observer.Stage("prepare", "checking the encryption key, pg_dump and the store");
        var recipient = OpenPgpRecipient.Load(settings.Backup.RequirePublicKey(), time: clock);
        var signer = LoadSigner();
        var pgDumpVersion = await PostgresTools.VersionOfAsync("pg_dump", cancellationToken);
        await CheckStoreReachableAsync(cancellationToken);
        await AbortLeftoverUploadsAsync(cancellationToken);

        observer.Stage("snapshot", $"opening a snapshot of {PostgresConnectionString.Describe(source)}");
        await using var snapshot = await SourceDatabaseSnapshot.OpenAsync(source, cancellationToken);
        var startedAt = clock.GetUtcNow();
        var key = ArtefactKey.For(startedAt, settings.Backup.Compression);
        logger.LogInformation("Backing up {Database} to {Key} in {Store}", snapshot.DatabaseName, key, store.Description);

        var rowCounts = snapshot.CountRowsAsync(cancellationToken);
        var (stored, dumpBytes, compressedBytes) = await DumpAndUploadAsync(source, snapshot.SnapshotId, key, recipient, observer, cancellationToken);
        var endedAt = clock.GetUtcNow();
        var tables = await rowCounts;
        var latestMigration = await snapshot.LatestMigrationAsync(cancellationToken);

        var manifest = new BackupManifest
        {
            Key = key,
            CreatedAt = clock.GetUtcNow(),
            Database = new ManifestDatabase(snapshot.DatabaseName, snapshot.ServerVersion, pgDumpVersion),
            Snapshot = new ManifestSnapshot(startedAt, endedAt, snapshot.SnapshotId),
            Sizes = new ManifestSizes(dumpBytes, compressedBytes, stored.Size),
            Sha256 = stored.Sha256,
            Upload = new ManifestUpload(stored.ETag, stored.Verification.ToString(), stored.PartCount, store.Description)
            {
                ReplaceProtection = stored.ReplaceProtection.ToString(),
                RetainedUntil = stored.RetainedUntil,
            },
            Compression = settings.Backup.Compression.Name(),
            Encryption = new ManifestEncryption("openpgp", recipient.Fingerprint, "AES-256", IntegrityProtected: true),
            Tables = tables,
            LatestMigration = latestMigration,
            Producer = new ManifestProducer("leopass-recovery", ProducerVersion, Environment.MachineName),
            Signing = signer is null ? null : new ManifestSigning("openpgp-detached", signer.Fingerprint),
        };
        WarnAboutWeakGuarantees(key, stored);
        await WriteManifestAsync(manifest, signer, observer, cancellationToken);

        observer.Stage("catalogue", "recording the backup in the catalogue");
        try
        {
            await catalogue.RecordAsync(manifest, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new BackupException($"backup {key} is stored and complete, but the catalogue could not record it ({e.Message}); `backup list --refresh` will pick it up", e) { Stage = "catalogue" };
        }
        observer.Stage("done", $"{key}: {stored.Size} bytes, sha256 {stored.Sha256}, verified by {stored.Verification}");
        return new BackupResult(manifest, stopwatch.Elapsed);
    }

    private static string ProducerVersion =>
        typeof(BackupPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>The manifest signer when BACKUP_SIGNING_KEY is set; loaded (and its passphrase checked) before the dump starts.</summary>
    private ManifestSigner? LoadSigner()
    {
        if (settings.Backup.SigningKeyPath is not { } path) return null;
        try
        {
            return ManifestSigner.Load(path, settings.Backup.SigningPassphrase);
        }
        catch (SigningKeyException e)
        {
            throw new BackupException(e.Message, e) { Stage = "prepare" };
        }
    }

    /// <summary>A store that could not give the promises asked of it says so in every backup's log (and its manifest), never silently.</summary>
    private void WarnAboutWeakGuarantees(string key, StoredObject stored)
    {
        if (stored.ReplaceProtection == ReplaceProtection.CheckedBeforeWrite)
        {
            logger.LogWarning("{Store} ignores conditional writes (If-None-Match: *): {Key} was checked to be free just before writing, which is not atomic. " +
                "Backup keys are unique, so only a writer using the same key could replace it; use a store that honours conditional writes for the atomic guarantee", store.Description, key);
        }
        if (settings.Storage.ObjectLock is { } objectLock && stored.RetainedUntil is null)
        {
            logger.LogWarning("BACKUP_OBJECT_LOCK={Mode} asked {Store} to lock {Key}, but the store reports no lock on it: it may not support S3 Object Lock, " +
                "so this backup is not immutable. Enable Object Lock on the bucket (or an Oracle retention rule) and check with `backup prune --dry-run`", objectLock.ModeName, store.Description, key);
        }
    }

    private async Task CheckStoreReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in store.ListAsync(ArtefactKey.Prefix, cancellationToken))
            {
                break;
            }
        }
        catch (ArtefactStoreException e)
        {
            throw new BackupException(e.Message, e) { Stage = "prepare" };
        }
    }

    /// <summary>Uploads that an earlier run could not abort (the store was down, or the process died) are aborted now.</summary>
    private async Task AbortLeftoverUploadsAsync(CancellationToken cancellationToken)
    {
        foreach (var upload in await catalogue.PendingUploadsAsync(cancellationToken))
        {
            // An upload another backup is still sending (a manual run beside the nightly one) is not a leftover.
            await using var claim = await catalogue.TryClaimAbandonedUploadAsync(upload.UploadId, cancellationToken);
            if (claim is null)
            {
                logger.LogDebug("The upload of {Key} is still in progress in another run; leaving it alone", upload.Key);
                continue;
            }
            try
            {
                await store.AbortUploadAsync(upload.Key, upload.UploadId, cancellationToken);
                await catalogue.RemovePendingUploadAsync(upload.UploadId, cancellationToken);
                logger.LogInformation("Aborted the unfinished upload of {Key} left by an earlier run", upload.Key);
            }
            catch (ArtefactStoreException e)
            {
                logger.LogWarning("Could not abort the unfinished upload of {Key} yet: {Error}", upload.Key, e.Message);
            }
        }
    }

    private async Task<(StoredObject Stored, long DumpBytes, long CompressedBytes)> DumpAndUploadAsync(
        string source, string snapshotId, string key, OpenPgpRecipient recipient, IBackupObserver observer, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBufferBytes, resumeWriterThreshold: PipeBufferBytes / 2, useSynchronizationContext: false));
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long dumpBytes = 0, compressedBytes = 0;
        observer.Stage("dump", $"pg_dump → {settings.Backup.Compression.Name()} → OpenPGP → {store.Description}");

        var produce = Task.Run(async () =>
        {
            try
            {
                (dumpBytes, compressedBytes) = await ProduceAsync(source, snapshotId, key, recipient, pipe.Writer, observer, failFast.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                await failFast.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        var upload = Task.Run(async () =>
        {
            try
            {
                await using var content = pipe.Reader.AsStream();
                await using var uploads = new LiveUploads(catalogue, key);
                var options = new PutOptions
                {
                    UploadStarted = uploads.StartedAsync,
                    UploadFinished = uploads.FinishedAsync,
                    Progress = observer.Bytes,
                };
                return await store.PutAsync(key, content, options, failFast.Token);
            }
            catch
            {
                await failFast.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await Task.WhenAll(produce, upload);
        }
        catch
        {
            throw RootCause(produce, upload, cancellationToken);
        }
        return (await upload, dumpBytes, compressedBytes);
    }

    private async Task<(long DumpBytes, long CompressedBytes)> ProduceAsync(
        string source, string snapshotId, string key, OpenPgpRecipient recipient, PipeWriter pipeWriter, IBackupObserver observer, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        long dumpBytes, compressedBytes;
        await using (var pipeStream = pipeWriter.AsStream(leaveOpen: true))
        {
            await using var encrypting = recipient.OpenEncryptingStream(pipeStream, leaveOpen: true, literalFileName: Path.GetFileNameWithoutExtension(key));
            var compressedCounter = new CountingWriteStream(encrypting, leaveOpen: true);
            await using var compressing = CompressionStreams.Compress(
                compressedCounter, settings.Backup.Compression, leaveOpen: true, new CompressionTuning { ZstdLevel = settings.Backup.ZstdLevel });
            var dumpCounter = new CountingWriteStream(compressing, leaveOpen: true);

            var result = await ChildProcess.ExecuteAsync(Cli.Wrap(PostgresTools.PathOf("pg_dump"))
                .WithArguments(["--format=custom", "--compress=0", "--no-password", $"--snapshot={snapshotId}", $"--dbname={PostgresTools.UrlWithoutPassword(source)}"])
                .WithEnvironmentVariables(PostgresTools.EnvironmentFor(source))
                .WithStandardOutputPipe(PipeTarget.ToStream(dumpCounter, autoFlush: false)) // a flush per 14 KB read costs zstd 12 % CPU
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None), cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new BackupException($"pg_dump failed with exit code {result.ExitCode}: {ProcessErrorText.Summarise(stderr.ToString())}") { Stage = "dump" };
            }
            observer.Stage("compress", "pg_dump finished; finishing compression and encryption");
            await compressing.DisposeAsync();
            await encrypting.DisposeAsync();
            dumpBytes = dumpCounter.BytesWritten;
            compressedBytes = compressedCounter.BytesWritten;
        }
        return (dumpBytes, compressedBytes);
    }

    /// <summary>When one side of the pipe fails, the other is cancelled; report the failure, not the cancellation.</summary>
    private static Exception RootCause(Task produce, Task upload, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return new OperationCanceledException("backup cancelled", cancellationToken);
        var failures = new[] { produce, upload }
            .Where(t => t.IsFaulted)
            .SelectMany(t => t.Exception!.InnerExceptions)
            .ToList();
        var cause = failures.FirstOrDefault(e => e is not OperationCanceledException and not IOException { InnerException: OperationCanceledException })
            ?? failures.FirstOrDefault()
            ?? new BackupException("backup failed for an unknown reason");
        return cause switch
        {
            BackupException => cause,
            ArtefactStoreException store => new BackupException($"upload failed: {store.Message}", store) { Stage = "upload" },
            EncryptionKeyException key => new BackupException(key.Message, key) { Stage = "encrypt" },
            _ => new BackupException($"backup failed: {cause.Message}", cause) { Stage = "upload" },
        };
    }

    /// <summary>
    /// Writes the signature (when signing) and then the manifest, the commit marker, by the rules
    /// every artefact's follows (<see cref="CommitMarker"/>): if either fails, whatever of this backup
    /// reached the store is removed, manifest first, so nothing half-done looks like a backup.
    /// </summary>
    private Task WriteManifestAsync(BackupManifest manifest, ManifestSigner? signer, IBackupObserver observer, CancellationToken cancellationToken) =>
        commitMarker.WriteAsync(manifest.Key, manifest.ToJson(), signer, cancellationToken, observer.Stage);
}
