using LeoPass.Recovery.Backup.Retention;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>`pitr.prune`: keeps BACKUP_RETENTION_DAYS of restore window, deletes older base backups and the WAL only they needed (<see cref="PitrRetention"/>).</summary>
public sealed class PitrPruneActivity(PitrRetention retention, RecoverySettings settings) : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("pitr.prune",
        "Delete base backups and WAL older than the base backup that keeps BACKUP_RETENTION_DAYS of restore window; never the newest base backup or WAL a kept one needs.", [])
    {
        Category = "backup",
    };

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        await context.RecordIntentAsync($"delete base backups and WAL older than the base backup covering {settings.Backup.RetentionDays} days of restore window", cancellationToken);
        var plan = await retention.PruneAsync(settings.Backup.RetentionDays, dryRun: false, cancellationToken);
        return ActivityResult.Completed(new JsonObject
        {
            ["cutoff"] = plan.Cutoff,
            ["keptFrom"] = plan.KeepFrom,
            ["baseBackupsDeleted"] = new JsonArray([.. plan.BaseBackups.Select(k => (JsonNode)k)]),
            ["walFilesDeleted"] = plan.WalObjects.Count,
        });
    }
}
