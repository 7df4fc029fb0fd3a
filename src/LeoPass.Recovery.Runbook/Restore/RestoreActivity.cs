
using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Runbook step 4, `runbook.restore`: <c>pg_restore --clean --if-exists --jobs N</c> from the
/// run's dump file into the provisioned target. Idempotent: --clean replaces whatever an
/// interrupted attempt left. When the dump file is not on this node (the attempt moved to
/// another node after a crash), it is downloaded again first. The file is deleted once restored
/// (in the background: the step ends when pg_restore does).
/// </summary>
public sealed class RestoreActivity(RestoreTargetPlan target, DumpFiles dumps, ArtefactReader reader, RecoverySettings settings) : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.restore",
        "pg_restore --clean --if-exists --jobs N of the downloaded dump into the restore target.",
    [
        new ActivityParameter("key", "The artefact key (from the download step).", Default: JsonValue.Create("${steps.download.output.key}")),
        new ActivityParameter("database", "The target database (from the provision step).", Default: JsonValue.Create("${steps.provision.output.database}")),
        new ActivityParameter("jobs", "pg_restore --jobs; default RESTORE_JOBS."),
        new ActivityParameter("noOwner", "true: --no-owner --no-acl, for a target server without the production roles.", Default: JsonValue.Create(false)),
    ]);

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var connection = target.ConnectionFor(context);
        var key = context.Parameters.RequireString("key");
        var jobs = (int)(context.Parameters.GetInt64("jobs") ?? settings.Runbook.RestoreJobs);
        var noOwner = context.Parameters.GetBoolean("noOwner") ?? false;
        var manifest = await RunbookFailures.NotRetryableAsync(() => reader.ResolveAsync(key, cancellationToken));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var downloadedAgain = false;
        if (!dumps.IsComplete(context.RunId, manifest))
        {
            await context.RecordIntentAsync($"the dump of {key} is not on node {context.Identity.Node}: download it again to {dumps.PathFor(context.RunId, manifest)}", cancellationToken);
            await RunbookFailures.TranslateAsync(() => dumps.DownloadAsync(context.RunId, manifest, cancellationToken));
            downloadedAgain = true;
        }
        var file = dumps.PathFor(context.RunId, manifest);
        var session = RestoreSessions.ApplicationName(context);
        if (context.Attempt > 1)
        {
            await context.RecordIntentAsync($"end the sessions of earlier restore attempts of run {context.RunId} still connected to {PostgresConnectionString.Describe(connection)}", cancellationToken);
            await RestoreSessions.EndEarlierAttemptsAsync(context, connection, cancellationToken);
        }
        await context.RecordIntentAsync($"pg_restore --clean --if-exists --jobs {jobs} into {PostgresConnectionString.Describe(connection)} from {file} as '{session}'", cancellationToken);
        try
        {
            await PgRestoreRunner.RunAsync(file, connection, jobs, noOwner, cancellationToken, session);
        }
        catch (BackupException e)
        {
            throw new ActivityFailedException(e.Message, retryable: true, e);
        }
        dumps.DeleteInBackground(file);
        return ActivityResult.Completed(new JsonObject
        {
            ["database"] = PostgresConnectionString.DatabaseOf(connection),
            ["key"] = key,
            ["jobs"] = jobs,
            ["dumpBytes"] = manifest.Sizes.DumpBytes,
            ["downloadedAgain"] = downloadedAgain,
            ["durationMs"] = (long)stopwatch.Elapsed.TotalMilliseconds,
        });
    }
}
