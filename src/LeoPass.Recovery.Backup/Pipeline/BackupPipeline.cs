using System.Diagnostics;
using System.Reflection;
using CliWrap;
using LeoPass.Recovery.Backup.Processes;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Streams;

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
    EncryptedUpload upload,
    CommitMarker commitMarker,
    TimeProvider clock,
    ILogger<BackupPipeline> logger)
{
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

    /// <summary>
    /// pg_dump's output through <see cref="EncryptedUpload"/>: compressed, encrypted and streamed to
    /// the store. A failure on either side of the pipe stops the other and is reported as the
    /// backup's, with the stage it happened in.
    /// </summary>
    private async Task<(StoredObject Stored, long DumpBytes, long CompressedBytes)> DumpAndUploadAsync(
        string source, string snapshotId, string key, OpenPgpRecipient recipient, IBackupObserver observer, CancellationToken cancellationToken)
    {
        observer.Stage("dump", $"pg_dump → {settings.Backup.Compression.Name()} → OpenPGP → {store.Description}");
        var options = new EncryptedUploadOptions(LiteralFileName: Path.GetFileNameWithoutExtension(key), Progress: observer.Bytes, HashPlain: false);
        try
        {
            var result = await upload.UploadAsync(key, recipient, (plain, token) => DumpAsync(source, snapshotId, plain, observer, token), options, cancellationToken);
            return (result.Stored, result.PlainBytes, result.CompressedBytes);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("backup cancelled", cancellationToken);
        }
        catch (Exception e) when (e is not BackupException)
        {
            throw e switch
            {
                ArtefactStoreException failed => new BackupException($"upload failed: {failed.Message}", failed) { Stage = "upload" },
                EncryptionKeyException unusable => new BackupException(unusable.Message, unusable) { Stage = "encrypt" },
                _ => new BackupException($"backup failed: {e.Message}", e) { Stage = "upload" },
            };
        }
    }

    private static async Task DumpAsync(string source, string snapshotId, Stream plain, IBackupObserver observer, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        var result = await ChildProcess.ExecuteAsync(Cli.Wrap(PostgresTools.PathOf("pg_dump"))
            .WithArguments(["--format=custom", "--compress=0", "--no-password", $"--snapshot={snapshotId}", $"--dbname={PostgresTools.UrlWithoutPassword(source)}"])
            .WithEnvironmentVariables(PostgresTools.EnvironmentFor(source))
            .WithStandardOutputPipe(PipeTarget.ToStream(plain, autoFlush: false)) // a flush per 14 KB read costs zstd 12 % CPU
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupException($"pg_dump failed with exit code {result.ExitCode}: {ProcessErrorText.Summarise(stderr.ToString())}") { Stage = "dump" };
        }
        observer.Stage("compress", "pg_dump finished; finishing compression and encryption");
    }

    /// <summary>
    /// Writes the signature (when signing) and then the manifest, the commit marker, by the rules
    /// every artefact's follows (<see cref="CommitMarker"/>): if either fails, whatever of this backup
    /// reached the store is removed, manifest first, so nothing half-done looks like a backup.
    /// </summary>
    private Task WriteManifestAsync(BackupManifest manifest, ManifestSigner? signer, IBackupObserver observer, CancellationToken cancellationToken) =>
        commitMarker.WriteAsync(manifest.Key, manifest.ToJson(), signer, cancellationToken, observer.Stage);
}
