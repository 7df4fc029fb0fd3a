using LeoPass.Recovery.Runbook.Planning;

namespace LeoPass.Recovery.Runbook.Traffic;

/// <summary>
/// Runbook step 1, `runbook.quarantine-traffic`: adds a Cloudflare maintenance rule and pauses
/// the workers. Its output records exactly what it changed — the rule's zone, ruleset and id,
/// and the worker channels used — which is all the reopen step undoes.
/// </summary>
public sealed class QuarantineTrafficActivity(RecoverySettings settings, IHttpClientFactory http) : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.quarantine-traffic",
        "Enable a Cloudflare maintenance (WAF) rule and pause background workers; record exactly what changed.",
    [
        new ActivityParameter("expression", "Cloudflare rule expression of the traffic to stop.", Default: JsonValue.Create("true")),
        new ActivityParameter("action", "Cloudflare rule action.", Default: JsonValue.Create("block")),
        new ActivityParameter("cloudflare", "false leaves Cloudflare alone.", Default: JsonValue.Create(true)),
        new ActivityParameter("workers", "false leaves the workers running.", Default: JsonValue.Create(true)),
    ])
    {
        Outputs = [new("cloudflare", "The rule it created (zone, ruleset, id), or null"), new("workers", "The worker channels it paused")],
        Undo = "runbook.reopen-traffic",
        Category = "traffic",
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        var runbook = settings.Runbook;
        var cloudflare = (parameters.GetBoolean("cloudflare") ?? true) && runbook.CloudflareConfigured;
        var workers = (parameters.GetBoolean("workers") ?? true) && WorkerSwitch.Configured(runbook);
        if (!cloudflare && !workers)
        {
            yield return new SettingProblem("CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID, or WORKER_HOOK_URL or WORKER_PAUSE_COMMAND",
                "the quarantine needs a traffic switch to flip: a Cloudflare zone, or a way to pause the workers");
        }
    }

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var runbook = settings.Runbook;
        var actions = new List<string>();
        var useCloudflare = (context.Parameters.GetBoolean("cloudflare") ?? true) && runbook.CloudflareConfigured;
        var output = new JsonObject { ["cloudflare"] = null, ["workers"] = new JsonArray() };
        if (useCloudflare)
        {
            var description = $"leopass-recovery maintenance (run {PlanText.RunId(context.RunId)})";
            actions.Add($"would add Cloudflare rule '{description}' to zone {runbook.CloudflareZoneId}: {context.Parameters.GetString("action")} where {context.Parameters.GetString("expression")}");
            output["cloudflare"] = new JsonObject { ["zoneId"] = runbook.CloudflareZoneId, ["description"] = description };
        }
        else
        {
            actions.Add((context.Parameters.GetBoolean("cloudflare") ?? true) ? "would leave Cloudflare alone: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID are not set" : "would leave Cloudflare alone (cloudflare: false)");
        }
        var channels = context.Parameters.GetBoolean("workers") ?? true ? WorkerSwitch.ChannelsOf(runbook) : [];
        if (channels.Count > 0)
        {
            actions.Add($"would pause the background workers via {string.Join(" and ", channels)}");
            output["workers"] = new JsonArray([.. channels.Select(c => (JsonNode?)JsonValue.Create(c))]);
        }
        else
        {
            actions.Add("would leave the workers running: no WORKER_HOOK_URL or WORKER_PAUSE_COMMAND (or workers: false)");
        }
        if (output["cloudflare"] is null && channels.Count == 0) actions.Add("would fail: nothing to quarantine");
        return Task.FromResult(new ActivityPlan(actions, output));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var runbook = settings.Runbook;
        var client = http.CreateClient(RunbookServiceCollectionExtensions.HttpClientName);
        var useCloudflare = (context.Parameters.GetBoolean("cloudflare") ?? true) && runbook.CloudflareConfigured;
        var workers = new WorkerSwitch(runbook, client);
        var workerChannels = context.Parameters.GetBoolean("workers") ?? true ? workers.Channels : [];
        if (!useCloudflare && workerChannels.Count == 0)
        {
            throw new ActivityFailedException(
                "nothing to quarantine: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID, and WORKER_HOOK_URL or WORKER_PAUSE_COMMAND (or disable this step)", retryable: false);
        }
        var output = new JsonObject { ["cloudflare"] = null, ["workers"] = new JsonArray() };
        if (useCloudflare)
        {
            await context.RecordIntentAsync($"add Cloudflare rule '{CloudflareMaintenanceRule.DescriptionFor(context.RunId)}' to zone {runbook.CloudflareZoneId}", cancellationToken);
            var (rule, added) = await new CloudflareMaintenanceRule(runbook, client).EnsureAsync(
                context.RunId, context.Parameters.RequireString("expression"), context.Parameters.RequireString("action"), cancellationToken);
            output["cloudflare"] = new JsonObject
            {
                ["zoneId"] = rule.ZoneId,
                ["rulesetId"] = rule.RulesetId,
                ["ruleId"] = rule.RuleId,
                ["description"] = rule.Description,
                ["foundFromEarlierAttempt"] = !added,
            };
        }
        if (workerChannels.Count > 0)
        {
            await context.RecordIntentAsync($"pause background workers via {string.Join(" and ", workerChannels)}", cancellationToken);
            await workers.SwitchAsync("pause", workerChannels, context.RunId, cancellationToken);
            output["workers"] = new JsonArray([.. workerChannels.Select(c => (JsonNode?)JsonValue.Create(c))]);
        }
        return ActivityResult.Completed(output);
    }
}
