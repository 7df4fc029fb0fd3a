using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Runbook.Alerts;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// `backup.notify`: the success report of a nightly run — the Uptime Kuma "up" push (whose
/// absence Kuma turns into an alarm) and, when configured, the Ops webhook. Failures are
/// reported when the run halts (<see cref="BackupRunAlerts"/>). A down alert target never fails this step.
/// </summary>
public sealed class NotifyBackupActivity(BackupAlerts alerts, BackupCatalogue catalogue, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.notify",
        "Report the run's success to Uptime Kuma (and the Ops webhook when it takes successes).",
    [
        new ActivityParameter("backupStep", "Id of the step whose output names the backup.", Default: JsonValue.Create("dump-upload")),
    ]);

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var targets = new List<string>();
        if (settings.Alerts.UptimeKumaPushUrl is { } kuma) targets.Add($"Uptime Kuma at {kuma.Host}");
        if (settings.Alerts.OpsWebhookUrl is { } ops) targets.Add($"the Ops webhook at {ops.Host} (when it takes successes)");
        return Task.FromResult(new ActivityPlan([targets.Count == 0
            ? "would report the success nowhere: no UPTIME_KUMA_PUSH_URL or OPS_WEBHOOK_URL is set"
            : $"would report the run's success to {string.Join(" and ", targets)}"]));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var backupStep = context.Parameters.GetString("backupStep") ?? "dump-upload";
        context.StepOutputs.TryGetValue(backupStep, out var backup);
        var key = backup?["key"]?.GetValue<string>() ?? "(no backup step output)";
        var durationMs = backup?["durationMs"]?.GetValue<long>() ?? 0;
        await context.RecordIntentAsync($"push the success of run {context.RunId} to the configured alert targets", cancellationToken);
        var deliveries = await alerts.SucceededAsync(context.RunId, context.Identity.DefinitionId, key, TimeSpan.FromMilliseconds(durationMs), cancellationToken);
        var slow = await SlowDumpAsync(key, context.Time.GetUtcNow(), cancellationToken);
        if (slow is not null)
        {
            await context.RecordIntentAsync($"warn the Ops webhook of a slow dump: {slow.Value.Why}", cancellationToken);
            deliveries = [.. deliveries, .. await alerts.SlowDumpAsync(context.RunId, context.Identity.DefinitionId, key, slow.Value.Dump, slow.Value.Why, cancellationToken)];
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["slowDump"] = slow?.Why,
            ["delivered"] = new JsonArray([.. deliveries.Where(d => d.Delivered).Select(d => (JsonNode?)JsonValue.Create(d.Channel))]),
            ["undelivered"] = new JsonArray([.. deliveries.Where(d => !d.Delivered).Select(d => (JsonNode?)JsonValue.Create($"{d.Channel}: {d.Error}"))]),
        });
    }

    /// <summary>The dump's time (how long pg_dump held its snapshot) against BACKUP_DURATION_WARN and the last 14 days' median; null when not slow or unknown.</summary>
    private async Task<(TimeSpan Dump, string Why)?> SlowDumpAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var backups = await catalogue.ListAsync(cancellationToken);
        if (backups.FirstOrDefault(b => b.Key == key) is not { } backup) return null;
        var dump = backup.SnapshotEndedAt - backup.SnapshotStartedAt;
        var history = backups.Where(b => b.Key != key && b.SnapshotStartedAt >= now - DumpDurationCheck.HistoryWindow)
            .Select(b => b.SnapshotEndedAt - b.SnapshotStartedAt).ToList();
        return DumpDurationCheck.SlowBecause(dump, history, settings.Backup.DurationWarn) is { } why ? (dump, why) : null;
    }
}
