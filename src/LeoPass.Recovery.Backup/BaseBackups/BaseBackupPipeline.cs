using System.Diagnostics;
using CliWrap;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Processes;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Wal;
using Npgsql;

namespace LeoPass.Recovery.Backup.BaseBackups;

/// <summary>A base backup that is stored, signed and catalogued.</summary>
public sealed record BaseBackupResult(BaseBackupManifest Manifest, TimeSpan Duration);

/// <summary>
/// One base backup: <c>pg_basebackup -D - -Ft -X none --checkpoint=fast</c> streamed through the
/// dump pipeline's layers (zstd, OpenPGP, verified upload; <see cref="EncryptedUpload"/>), the
/// WAL range read from the tar as it passes (<see cref="BackupLabelTap"/>), then the signed
/// manifest and the catalogue row. `-X none`: the WAL the backup needs is the stream's job, so a
/// base backup is restorable once the stream has shipped its end segment.
/// </summary>
public sealed class BaseBackupPipeline(
    RecoverySettings settings, EncryptedUpload upload, CommitMarker marker, PitrCatalogue catalogue, IArtefactStore store, TimeProvider clock, ILogger<BaseBackupPipeline> logger)
{
    public async Task<BaseBackupResult> RunAsync(IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        observer ??= NullBackupObserver.Instance;
        var stopwatch = Stopwatch.StartNew();
        var source = settings.RequireWalSource();
        observer.Stage("prepare", "checking the keys, pg_basebackup and the source");
        var keys = ArtefactKeys.Load(settings.Backup, clock);
        var toolVersion = await PostgresTools.VersionOfAsync("pg_basebackup", cancellationToken);
        var identity = await SourceIdentity.ReadAsync(source, cancellationToken);
        var migration = await LatestMigrationAsync(settings.SourceDatabase ?? source, cancellationToken);

        var startedAt = clock.GetUtcNow();
        var key = BaseBackupKey.For(startedAt, settings.Backup.Compression);
        observer.Stage("basebackup", $"pg_basebackup of {PostgresConnectionString.Describe(source)} → {settings.Backup.Compression.Name()} → OpenPGP → {store.Description}");
        logger.LogInformation("Base backup of {Source} to {Key}", PostgresConnectionString.Describe(source), key);
        BackupLabelTap? tap = null;
        var stderr = new StringBuilder();
        EncryptedUploadResult stored;
        try
        {
            stored = await upload.UploadAsync(key, keys.Recipient, async (plain, token) =>
            {
                tap = new BackupLabelTap(plain);
                var result = await ChildProcess.ExecuteAsync(Cli.Wrap(PostgresTools.PathOf("pg_basebackup"))
                    .WithArguments(["--pgdata=-", "--format=tar", "--wal-method=none", "--checkpoint=fast", "--no-password",
                        $"--label=leopass {key}", $"--dbname={PostgresTools.UrlWithoutPassword(source)}"])
                    .WithEnvironmentVariables(PostgresTools.EnvironmentFor(source))
                    .WithStandardOutputPipe(PipeTarget.ToStream(tap, autoFlush: false))
                    .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                    .WithValidation(CommandResultValidation.None), token);
                if (result.ExitCode != 0)
                {
                    throw new BackupException($"pg_basebackup failed with exit code {result.ExitCode}: {ProcessErrorText.Summarise(stderr.ToString())}") { Stage = "basebackup" };
                }
            }, cancellationToken);
        }
        catch (ArtefactStoreException e)
        {
            throw new BackupException($"upload of base backup {key} failed: {e.Message}", e) { Stage = "upload" };
        }
        var endedAt = clock.GetUtcNow();
        var (start, timeline, end) = tap!.WalRange();
        var segmentBytes = identity.SegmentBytes;
        var manifest = new BaseBackupManifest
        {
            Key = key,
            CreatedAt = clock.GetUtcNow(),
            Source = new BaseBackupSource(PostgresConnectionString.DatabaseOf(source), identity.SystemIdentifier, identity.ServerVersion, toolVersion, segmentBytes),
            Backup = new BaseBackupRange(startedAt, endedAt, start.ToString(), end.ToString(), timeline,
                WalFileName.SegmentOf(timeline, start, segmentBytes).Name, WalFileName.SegmentOf(timeline, new Lsn(end.Value - 1), segmentBytes).Name),
            Sizes = new BaseBackupSizes(stored.PlainBytes, stored.CompressedBytes, stored.Stored.Size),
            Sha256 = stored.Stored.Sha256,
            Upload = new Artefacts.ManifestUpload(stored.Stored.ETag, stored.Stored.Verification.ToString(), stored.Stored.PartCount, store.Description)
            {
                ReplaceProtection = stored.Stored.ReplaceProtection.ToString(),
                RetainedUntil = stored.Stored.RetainedUntil,
            },
            Compression = settings.Backup.Compression.Name(),
            Encryption = keys.Encryption,
            LatestMigration = migration,
            Producer = ArtefactKeys.Producer,
            Signing = keys.Signing,
        };
        observer.Stage("manifest", "writing the base backup's signed manifest (its commit marker)");
        await marker.WriteAsync(key, manifest.ToJson(), keys.Signer, cancellationToken);
        observer.Stage("catalogue", "recording the base backup in the catalogue");
        await catalogue.RecordBaseBackupAsync(manifest, cancellationToken);
        observer.Stage("done", $"{key}: {stored.Stored.Size} bytes, WAL {start}–{end} on timeline {timeline}");
        return new BaseBackupResult(manifest, stopwatch.Elapsed);
    }

    /// <summary>The schema version at the backup's start, for a restore's migration-head check; null when the role may not read it.</summary>
    private async Task<Artefacts.ManifestMigration?> LatestMigrationAsync(string source, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(source) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        try
        {
            return await LeoPass.Recovery.Backup.Restore.PrismaMigrations.LatestAsync(connection, null, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            logger.LogWarning("The base backup records no migration head: {Role} may not read _prisma_migrations ({Error})",
                new NpgsqlConnectionStringBuilder(source).Username, e.MessageText);
            return null;
        }
    }
}
