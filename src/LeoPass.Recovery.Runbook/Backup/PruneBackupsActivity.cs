using LeoPass.Recovery.Backup.Retention;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>`backup.prune`: retention. Idempotent by nature: a second pass finds nothing left to delete.</summary>
public sealed class PruneBackupsActivity(BackupPruner pruner, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.prune",
        "Delete backups older than the retention window, never the newest verified one, never the last.",
    [
        new ActivityParameter("retentionDays", "Days to keep; default BACKUP_RETENTION_DAYS.", Type: "integer"),
        new ActivityParameter("dryRun", "true lists what would go and deletes nothing.", Default: JsonValue.Create(false)),
    ]);

    /// <summary>The pruner's own dry run: lists the store, deletes nothing.</summary>
    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var days = (int)(context.Parameters.GetInt64("retentionDays") ?? settings.Backup.RetentionDays);
        var plan = await pruner.PruneAsync(days, dryRun: true, cancellationToken);
        var actions = plan.Delete.Select(d => $"would delete backup {d.Key} (taken {d.TakenAt:yyyy-MM-dd HH:mm} UTC, older than {days} days) from {settings.Storage.Describe()}").ToList();
        if (actions.Count == 0) actions.Add($"would delete nothing: no backup in {settings.Storage.Describe()} is older than {days} days (or it is the newest verified one)");
        if (plan.KeptNewestVerified is { } kept) actions.Add($"would keep {kept.Key}: the newest verified backup is never pruned");
        if ((context.Parameters.GetBoolean("dryRun") ?? false) && plan.Delete.Count > 0) actions.Insert(0, "the step itself is a dry run (dryRun: true): it would only list these");
        return new ActivityPlan(actions, new JsonObject { ["retentionDays"] = days });
    }

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
