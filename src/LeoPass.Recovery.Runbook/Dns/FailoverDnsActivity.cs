using LeoPass.Recovery.Engine.Journal;

namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>
/// `runbook.failover-dns`: points the application's DNS records (DNS_FAILOVER_RECORDS) at the
/// standby through the Cloudflare DNS records API, remembering each record's previous content,
/// TTL and proxied flag, then waits — bounded and timed — until the change is visible. Its output
/// is all `runbook.failback-dns` needs to put every record back exactly.
/// </summary>
/// <remarks>
/// Idempotent: the previous values are written to the audit trail before a record is changed, so
/// an attempt that runs again after a crash finds what the record said before the first attempt
/// switched it, instead of taking the standby's address for the original.
/// </remarks>
public sealed class FailoverDnsActivity(RecoverySettings settings, IHttpClientFactory http, RunQueries runs, AuditTrail audit, TimeProvider time)
    : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.failover-dns",
        "Point the DNS records of DNS_FAILOVER_RECORDS at the standby (Cloudflare DNS API), remember what they said, wait until the change is visible.",
    [])
    {
        Outputs =
        [
            new("records", "Each record changed: zone, id, name, type, before and after (content, ttl, proxied)"),
            new("propagation", "How long until the change was visible (seconds), and how it was checked"),
        ],
        Undo = "runbook.failback-dns",
        Category = "traffic",
    };

    /// <summary>What the failover and the failback both need: named once at the start, with both steps.</summary>
    internal static readonly SettingProblem ZoneNeeded = new("CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID", "the zone holding the failover's DNS records, and a token with DNS edit on it");

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        if (settings.Runbook.Failover.Records.Count == 0)
        {
            yield return new SettingProblem("DNS_FAILOVER_RECORDS", "the DNS records to point at the standby, as a JSON list of {name, type, content}");
        }
        if (!settings.Runbook.CloudflareConfigured) yield return ZoneNeeded;
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var failover = settings.Runbook.Failover;
        if (failover.Records.Count == 0 || !settings.Runbook.CloudflareConfigured)
        {
            throw new ActivityFailedException("nothing to fail over: set DNS_FAILOVER_RECORDS, CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID (or disable this step)", retryable: false);
        }
        var records = CloudflareDnsRecords.For(settings.Runbook, http);
        var earlier = (await DnsChanges.SavedBeforeSwitchAsync(runs, context.RunId, context.StepId, cancellationToken)).ToDictionary(c => c.Id);

        // Every record is found before any is changed: a name missing from the zone stops the step with nothing touched.
        var found = new List<(DnsFailoverRecord Target, DnsRecord Current)>();
        foreach (var target in failover.Records) found.Add((target, await records.FindOneAsync(target.Name, target.Type, cancellationToken)));

        var changes = new JsonArray();
        var expected = new List<PropagationWait.Expected>();
        var wait = new PropagationWait(failover, records, time);
        // Propagation is timed from the first change sent.
        long? started = null;
        foreach (var (target, current) in found)
        {
            var before = earlier.TryGetValue(current.Id, out var saved) ? saved.Before : current.Values;
            var after = new DnsRecordValues(target.Content, target.Ttl ?? before.Ttl, target.Proxied ?? before.Proxied);
            var change = new DnsRecordChange(records.ZoneId, current.Id, target.Name, target.Type, before, after);
            var switchNow = current.Values != after;
            if (switchNow)
            {
                await context.RecordIntentAsync($"change {change.Record} (record {current.Id}, zone {records.ZoneId}) from {current.Values} to {after}", cancellationToken);
                if (saved is null)
                {
                    await audit.AppendAsync(context.RunId, $"node:{context.Identity.Node}", DnsChanges.SwitchAction, context.StepId,
                        $"{change.Record}: {before} → {after}", change.ToJson().ToJsonString(), cancellationToken);
                }
                started ??= wait.Start();
                await records.UpdateAsync(current, after, cancellationToken);
            }
            var json = change.ToJson();
            json["switchedByThisAttempt"] = switchNow;
            if (!switchNow && saved is null) json["note"] = "already pointed at the standby before the failover";
            changes.Add(json);
            expected.Add(new PropagationWait.Expected(current.Id, target.Name, target.Type, after));
        }

        await context.RecordIntentAsync($"wait up to {Seconds(failover.PropagationTimeout)} s until {Visibility(failover)}", cancellationToken);
        var propagation = await wait.WaitAsync(expected, started ?? wait.Start(), cancellationToken);
        return ActivityResult.Completed(new JsonObject { ["zoneId"] = records.ZoneId, ["records"] = changes, ["propagation"] = propagation });
    }

    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var failover = settings.Runbook.Failover;
        var problems = CheckSettings(context.Parameters).ToList();
        if (problems.Count > 0)
        {
            return new ActivityPlan([.. problems.Select(p => $"cannot fail over: {p.Setting} is not set ({p.Need})")]);
        }
        var records = CloudflareDnsRecords.For(settings.Runbook, http);
        var actions = new List<string>();
        var changes = new JsonArray();
        foreach (var target in failover.Records)
        {
            DnsRecord current;
            try
            {
                current = await records.FindOneAsync(target.Name, target.Type, cancellationToken);
            }
            catch (ActivityFailedException e)
            {
                actions.Add($"would change {target} to {target.Content}, but its current values could not be read: {e.Message}");
                continue;
            }
            var after = new DnsRecordValues(target.Content, target.Ttl ?? current.Values.Ttl, target.Proxied ?? current.Values.Proxied);
            actions.Add(current.Values == after
                ? $"would leave {target} (record {current.Id}) as it is: it already says {after}"
                : $"would change {target} (record {current.Id}, zone {records.ZoneId}) from {current.Values} to {after}, remembering the old values for the failback");
            changes.Add(new DnsRecordChange(records.ZoneId, current.Id, target.Name, target.Type, current.Values, after).ToJson());
        }
        actions.Add($"would wait up to {Seconds(failover.PropagationTimeout)} s until {Visibility(failover)}, and time it (the DNS propagation row of the RTO)");
        return new ActivityPlan(actions, new JsonObject { ["zoneId"] = records.ZoneId, ["records"] = changes });
    }

    /// <summary>When a change counts as visible, in words: what the wait waits for.</summary>
    internal static string Visibility(FailoverSettings failover) => failover.CheckNameservers.Count == 0
        ? "the Cloudflare API reads the new values back"
        : $"nameservers {string.Join(", ", failover.CheckNameservers)} all answer the new content (proxied records: the API reads them back)";

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
