using LeoPass.Recovery.Engine.Journal;

namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>
/// `runbook.failback-dns`: the exact undo of `runbook.failover-dns`. Puts back each record the
/// failover changed — content, TTL and proxied flag as they were — and waits until that is
/// visible. A record someone changed since (its content is no longer what the failover wrote, or
/// it is gone) is never overwritten: the step checks every record first and, if any was changed,
/// changes none and fails naming each one, what it found and what it expected.
/// </summary>
/// <remarks>
/// The failover is read from this run (the step named by <c>failoverStep</c>), or from another run
/// (<c>failoverRun</c>: the `dns-failback` definition undoes an incident's failover later). A
/// record that already says what it said before counts as put back, so a repeated attempt changes
/// nothing twice.
/// </remarks>
public sealed class FailbackDnsActivity(RecoverySettings settings, IHttpClientFactory http, RunQueries runs, AuditTrail audit, TimeProvider time)
    : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.failback-dns",
        "Put back exactly what the DNS failover changed (content, TTL, proxied); a record changed by someone else meanwhile is not overwritten: the step halts naming it.",
    [
        new ActivityParameter("failoverStep", "Id of the failover step whose changes are undone.", Default: JsonValue.Create("failover")),
        new ActivityParameter("failoverRun", "The run whose failover is undone; empty: this run.", Default: JsonValue.Create(""), Type: "string"),
    ])
    {
        Outputs = [new("records", "Each record with its values before and after the failover, and whether this step put it back"), new("propagation", "How long until the old values were visible again")],
        Undo = "runbook.failover-dns",
        Category = "traffic",
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        if (!settings.Runbook.CloudflareConfigured) yield return FailoverDnsActivity.ZoneNeeded;
        if (FailoverRun(parameters, 0) is null)
        {
            yield return new SettingProblem("failoverRun", "must be a run id (the run whose DNS failover to undo)");
        }
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var (runId, step) = Source(context);
        var changes = await DnsChanges.OfFailoverAsync(runs, runId, step, runId == context.RunId ? context.StepOutputs : null, cancellationToken);
        if (changes.Count == 0)
        {
            return ActivityResult.Completed(new JsonObject
            {
                ["records"] = new JsonArray(),
                ["note"] = $"step '{step}' of run {runId} changed no DNS record: nothing to put back",
            });
        }
        if (!settings.Runbook.CloudflareConfigured)
        {
            throw new ActivityFailedException($"the failover changed {string.Join(", ", changes.Select(c => c.Record))}, but CLOUDFLARE_API_TOKEN or CLOUDFLARE_ZONE_ID is not set: set them and retry, or put the records back by hand and skip this step", retryable: false);
        }
        var records = CloudflareDnsRecords.For(settings.Runbook, http);
        if (changes.FirstOrDefault(c => c.ZoneId != records.ZoneId) is { } elsewhere)
        {
            throw new ActivityFailedException($"the failover changed {elsewhere.Record} in zone {elsewhere.ZoneId}, but CLOUDFLARE_ZONE_ID is now {records.ZoneId}: point it at that zone and retry", retryable: false);
        }

        // Every record is checked before any is changed: one changed by someone else stops the step with nothing touched.
        var plan = new List<(DnsRecordChange Change, DnsRecord Current, bool PutBack)>();
        var conflicts = new List<string>();
        foreach (var change in changes)
        {
            var current = await records.GetAsync(change.Id, cancellationToken);
            if (current is null)
            {
                conflicts.Add($"{change.Record} (record {change.Id}) was deleted since the failover (expected content {change.After.Content})");
            }
            else if (current.Values == change.Before)
            {
                plan.Add((change, current, false));
            }
            else if (current.Values.Content != change.After.Content)
            {
                conflicts.Add($"{change.Record} (record {change.Id}) was changed by someone else since the failover: it says {current.Values.Content}, the failover wrote {change.After.Content}");
            }
            else
            {
                plan.Add((change, current, true));
            }
        }
        if (conflicts.Count > 0)
        {
            throw new ActivityFailedException(
                $"failback changed nothing: {string.Join("; ", conflicts)}. Decide which value is right: put the record back by hand (to {string.Join(", ", changes.Select(c => $"{c.Record} {c.Before}"))}) and skip this step, or set it to what the failover wrote and retry.",
                retryable: false);
        }

        var failover = settings.Runbook.Failover;
        var wait = new PropagationWait(failover, records, time);
        // Propagation is timed from the first change sent.
        long? started = null;
        var output = new JsonArray();
        foreach (var (change, current, putBack) in plan)
        {
            if (putBack)
            {
                await context.RecordIntentAsync($"put {change.Record} (record {change.Id}, zone {change.ZoneId}) back from {current.Values} to {change.Before}", cancellationToken);
                await audit.AppendAsync(context.RunId, $"node:{context.Identity.Node}", DnsChanges.FailbackAction, context.StepId,
                    $"{change.Record}: {current.Values} → {change.Before}", change.ToJson().ToJsonString(), cancellationToken);
                started ??= wait.Start();
                await records.UpdateAsync(current, change.Before, cancellationToken);
            }
            var json = change.ToJson();
            json["putBackByThisAttempt"] = putBack;
            output.Add(json);
        }
        await context.RecordIntentAsync($"wait up to {FailoverDnsActivity.Seconds(failover.PropagationTimeout)} s until {FailoverDnsActivity.Visibility(failover)}", cancellationToken);
        var propagation = await wait.WaitAsync([.. changes.Select(c => new PropagationWait.Expected(c.Id, c.Name, c.Type, c.Before))], started ?? wait.Start(), cancellationToken);
        return ActivityResult.Completed(new JsonObject { ["failoverRun"] = runId, ["records"] = output, ["propagation"] = propagation });
    }

    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var (runId, step) = Source(context);
        // In a dry run of this definition, the failover's plan stands in for its output; a failover of another run is read from its journal.
        var changes = runId == context.RunId
            ? DnsChanges.InOutput(context.StepOutputs.GetValueOrDefault(step))
            : await DnsChanges.OfFailoverAsync(runs, runId, step, null, cancellationToken);
        if (changes.Count == 0)
        {
            return new ActivityPlan([runId == context.RunId
                ? $"would put back what step '{step}' changes; its plan names no DNS record, so nothing"
                : $"would put back nothing: step '{step}' of run {runId} changed no DNS record"]);
        }
        var actions = changes.Select(c =>
            $"would put {c.Record} (record {c.Id}, zone {c.ZoneId}) back to {c.Before} if it still says {c.After.Content}; a record changed by someone else is left alone and the step halts naming it").ToList();
        actions.Add($"would wait up to {FailoverDnsActivity.Seconds(settings.Runbook.Failover.PropagationTimeout)} s until {FailoverDnsActivity.Visibility(settings.Runbook.Failover)}");
        return new ActivityPlan(actions, new JsonObject { ["records"] = new JsonArray([.. changes.Select(c => (JsonNode)c.ToJson())]) });
    }

    private static (long RunId, string Step) Source(ActivityContext context) =>
        (FailoverRun(context.Parameters, context.RunId) ?? throw new ActivityFailedException($"step '{context.StepId}': failoverRun must be a run id", retryable: false),
         context.Parameters.GetString("failoverStep") is { Length: > 0 } step ? step : "failover");

    private static long? FailoverRun(ActivityParameters parameters, long thisRun)
    {
        var text = parameters.GetString("failoverRun");
        if (string.IsNullOrWhiteSpace(text)) return thisRun;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }
}
