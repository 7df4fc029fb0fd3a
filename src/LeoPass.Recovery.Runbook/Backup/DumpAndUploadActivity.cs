using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// `backup.dump-upload`: the whole streaming pipeline, dump to verified upload and manifest.
/// Idempotent in the sense that matters: a repeated attempt makes a new, complete backup under a
/// new key; a half-finished earlier attempt left no manifest, so it never counts, and its
/// multipart upload is aborted by this attempt's start.
/// </summary>
public sealed class DumpAndUploadActivity(BackupPipeline pipeline, BackupFailureAlert failureAlert, RecoverySettings settings, TimeProvider clock)
    : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.dump-upload",
        "pg_dump DATABASE_URL, compress, encrypt to the public key, upload with checksum verification, write the manifest.", []);

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var trail = new BreadcrumbTrail(clock);
        try
        {
            await context.RecordIntentAsync(
                $"dump {PostgresConnectionString.Describe(settings.RequireSourceDatabase())} and upload a new artefact to {settings.Storage.Describe()}", cancellationToken);
            var result = await pipeline.RunAsync(new StepObserver(trail), cancellationToken);
            var m = result.Manifest;
            return ActivityResult.Completed(new JsonObject
            {
                ["key"] = m.Key,
                ["storedBytes"] = m.Sizes.StoredBytes,
                ["dumpBytes"] = m.Sizes.DumpBytes,
                ["sha256"] = m.Sha256,
                ["verification"] = m.Upload.Verification,
                ["snapshotStartedAt"] = m.Snapshot.StartedAt,
                ["tables"] = m.Tables.Count,
                ["durationMs"] = (long)result.Duration.TotalMilliseconds,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failureAlert.SendAsync(context, trail, e);
            throw;
        }
    }
}
