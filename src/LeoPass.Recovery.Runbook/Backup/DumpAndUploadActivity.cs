using LeoPass.Recovery.Backup.Pipeline;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// `backup.dump-upload`: the whole streaming pipeline, dump to verified upload and manifest, each
/// stage journaled as it starts. Idempotent in the sense that matters: a repeated attempt makes a
/// new, complete backup under a new key; a half-finished earlier attempt left no manifest, so it
/// never counts, and its multipart upload is aborted by this attempt's start. A failure is
/// alerted when the run halts (<see cref="Alerts.BackupRunAlerts"/>), not per attempt.
/// </summary>
public sealed class DumpAndUploadActivity(BackupPipeline pipeline, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.dump-upload",
        "pg_dump DATABASE_URL, compress, encrypt to the public key, upload with checksum verification, write the manifest.", [])
    {
        Outputs = [new("key", "The artefact's key in the store"), new("storedBytes", "Size stored"), new("dumpBytes", "Size of the dump"), new("snapshotStartedAt", "When the snapshot began (the restore point)")],
    };

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var compression = settings.Backup.Compression.ToString().ToLowerInvariant();
        return Task.FromResult(new ActivityPlan(
        [
            $"would dump {PostgresConnectionString.Describe(settings.RequireSourceDatabase())} with pg_dump --format=custom, compress it ({compression}) and encrypt it to the public key {settings.Backup.EncryptionPublicKeyPath ?? "(BACKUP_ENCRYPTION_PUBLIC_KEY is not set: the step would fail)"}",
            $"would upload it as a new artefact leopass-<date and time>.dump to {settings.Storage.Describe()}, verify the upload's checksum and write its manifest last",
        ], new JsonObject { ["key"] = "leopass-<date and time>.dump", ["durationMs"] = 0 }));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        await context.RecordIntentAsync(
            $"dump {PostgresConnectionString.Describe(settings.RequireSourceDatabase())} and upload a new artefact to {settings.Storage.Describe()}", cancellationToken);
        var stages = new JournalingObserver(context);
        BackupResult result;
        try
        {
            result = await pipeline.RunAsync(stages, cancellationToken);
        }
        finally
        {
            await stages.FlushAsync();
        }
        var m = result.Manifest;
        return ActivityResult.Completed(new JsonObject
        {
            ["key"] = m.Key,
            ["storedBytes"] = m.Sizes.StoredBytes,
            ["dumpBytes"] = m.Sizes.DumpBytes,
            ["sha256"] = m.Sha256,
            ["verification"] = m.Upload.Verification,
            ["etag"] = m.Upload.ETag,
            ["parts"] = m.Upload.Parts,
            ["store"] = m.Upload.Store,
            ["snapshotStartedAt"] = m.Snapshot.StartedAt,
            ["tables"] = m.Tables.Count,
            ["rows"] = m.Tables.Sum(t => t.Rows),
            ["durationMs"] = (long)result.Duration.TotalMilliseconds,
        });
    }
}
