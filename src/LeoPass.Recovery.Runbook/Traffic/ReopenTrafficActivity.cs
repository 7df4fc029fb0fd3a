
namespace LeoPass.Recovery.Runbook.Traffic;

/// <summary>
/// Runbook step 8, `runbook.reopen-traffic`: undoes exactly what the quarantine step recorded —
/// deletes that Cloudflare rule by id, resumes the workers through the channels that paused
/// them — and nothing else. With no quarantine output (the step was disabled or skipped) there
/// is nothing to undo. Idempotent: a rule already deleted counts as deleted.
/// </summary>
public sealed class ReopenTrafficActivity(RecoverySettings settings, IHttpClientFactory http) : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.reopen-traffic",
        "Undo exactly what the quarantine step changed: delete its Cloudflare rule, resume the workers it paused.",
    [
        new ActivityParameter("quarantineStep", "Id of the quarantine step whose recorded changes are undone.", Default: JsonValue.Create("quarantine")),
    ])
    {
        Undo = "runbook.quarantine-traffic",
        Category = "traffic",
    };

    /// <summary>Undoes what the quarantine step's plan says it would change, and nothing else.</summary>
    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var step = context.Parameters.GetString("quarantineStep") ?? "quarantine";
        var quarantine = context.StepOutputs.GetValueOrDefault(step);
        var actions = new List<string>();
        if (quarantine?["cloudflare"] is JsonObject cf) actions.Add($"would delete the Cloudflare rule '{cf["description"]}' the quarantine step adds to zone {cf["zoneId"]}");
        var channels = (quarantine?["workers"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? [];
        if (channels.Count > 0) actions.Add($"would resume the background workers via {string.Join(" and ", channels)}");
        if (actions.Count == 0) actions.Add($"would change nothing: step '{step}' would quarantine nothing (disabled, or nothing configured)");
        return Task.FromResult(new ActivityPlan(actions, new JsonObject()));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var quarantine = context.StepOutputs.GetValueOrDefault(context.Parameters.GetString("quarantineStep") ?? "quarantine");
        var client = http.CreateClient(RunbookServiceCollectionExtensions.HttpClientName);
        var output = new JsonObject { ["cloudflareRuleDeleted"] = null, ["workersResumed"] = new JsonArray() };
        if (quarantine is null)
        {
            output["note"] = "the quarantine step changed nothing (disabled or skipped): nothing to undo";
            return ActivityResult.Completed(output);
        }
        if (quarantine["cloudflare"] is JsonObject cf)
        {
            var rule = new MaintenanceRule(cf["zoneId"]!.GetValue<string>(), cf["rulesetId"]!.GetValue<string>(), cf["ruleId"]!.GetValue<string>(), cf["description"]?.GetValue<string>() ?? "");
            if (!settings.Runbook.CloudflareConfigured)
            {
                throw new ActivityFailedException($"the quarantine added Cloudflare rule {rule.RuleId} in zone {rule.ZoneId}, but CLOUDFLARE_API_TOKEN is no longer set: set it and retry, or delete the rule by hand and skip this step", retryable: false);
            }
            await context.RecordIntentAsync($"delete Cloudflare rule {rule.RuleId} (ruleset {rule.RulesetId}, zone {rule.ZoneId})", cancellationToken);
            var deleted = await new CloudflareMaintenanceRule(settings.Runbook, client).DeleteAsync(rule, cancellationToken);
            output["cloudflareRuleDeleted"] = rule.RuleId;
            output["cloudflareRuleWasPresent"] = deleted;
        }
        var channels = (quarantine["workers"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? [];
        if (channels.Count > 0)
        {
            await context.RecordIntentAsync($"resume background workers via {string.Join(" and ", channels)}", cancellationToken);
            await new WorkerSwitch(settings.Runbook, client).SwitchAsync("resume", channels, context.RunId, cancellationToken);
            output["workersResumed"] = new JsonArray([.. channels.Select(c => (JsonNode?)JsonValue.Create(c))]);
        }
        return ActivityResult.Completed(output);
    }
}
