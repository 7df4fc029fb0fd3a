using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Retention;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>`backup.prune`: retention. Idempotent by nature: a second pass finds nothing left to delete.</summary>
public sealed class PruneBackupsActivity(BackupPruner pruner, RecoverySettings settings) : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.prune",
        "Delete backups older than the retention window, never the newest verified one, never the last.",
    [
        new ActivityParameter("retentionDays", "Days to keep; default BACKUP_RETENTION_DAYS.", Type: "integer"),
        new ActivityParameter("dryRun", "true lists what would go and deletes nothing.", Default: JsonValue.Create(false)),
    ]);

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var days = (int)(context.Parameters.GetInt64("retentionDays") ?? settings.Backup.RetentionDays);
        var dryRun = context.Parameters.GetBoolean("dryRun") ?? false;
        await context.RecordIntentAsync($"prune: delete backups older than {days} days from {settings.Storage.Describe()}{(dryRun ? " (dry run)" : "")}", cancellationToken);
        var plan = await pruner.PruneAsync(days, dryRun, cancellationToken);
        return ActivityResult.Completed(new JsonObject
        {
            ["retentionDays"] = days,
            ["dryRun"] = dryRun,
            ["deleted"] = new JsonArray([.. plan.Delete.Select(d => (JsonNode?)JsonValue.Create(d.Key))]),
            ["keptNewestVerified"] = plan.KeptNewestVerified?.Key,
            ["keptNewestRestoreVerified"] = plan.KeptNewestRestoreVerified?.Key,
            ["retained"] = new JsonArray([.. plan.Retained.Select(r => (JsonNode?)JsonValue.Create(r.Key))]),
        });
    }
}
