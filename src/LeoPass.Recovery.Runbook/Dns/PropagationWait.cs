
namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>
/// Waits until DNS changes are visible, bounded by DNS_PROPAGATION_TIMEOUT, and says how long it
/// took — the DNS propagation row of the RTO. Without DNS_CHECK_NAMESERVERS a change is visible
/// when the Cloudflare API reads it back; with them, when every listed nameserver answers the new
/// content. A proxied record is the exception: its name answers Cloudflare's edge addresses, never
/// the content, so only the API can show it.
/// </summary>
public sealed class PropagationWait(FailoverSettings settings, CloudflareDnsRecords records, TimeProvider time)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>One record to see: its id, name, type and the values it must show.</summary>
    public sealed record Expected(string Id, string Name, string Type, DnsRecordValues Values)
    {
        public override string ToString() => $"{Type} {Name}";
    }

    public string Method => settings.CheckNameservers.Count == 0 ? "api" : "nameservers";

    /// <summary>A timestamp (of <see cref="TimeProvider.GetTimestamp"/>) taken just before the first change is sent: propagation is timed from there.</summary>
    public long Start() => time.GetTimestamp();

    /// <param name="started">From <see cref="Start"/>, before the changes were sent.</param>
    public async Task<JsonObject> WaitAsync(IReadOnlyList<Expected> expected, long started, CancellationToken cancellationToken)
    {
        var pending = expected.ToDictionary(e => e.Id, e => "not read yet");
        var seen = new JsonArray();
        while (true)
        {
            foreach (var record in expected.Where(e => pending.ContainsKey(e.Id)))
            {
                var missing = await WhatIsMissingAsync(record, cancellationToken);
                if (missing is null)
                {
                    pending.Remove(record.Id);
                    seen.Add(new JsonObject
                    {
                        ["record"] = record.ToString(),
                        ["content"] = record.Values.Content,
                        ["checkedBy"] = ChecksThroughApi(record) ? "api" : "nameservers",
                        ["seenAfterSeconds"] = Seconds(time.GetElapsedTime(started)),
                    });
                }
                else
                {
                    pending[record.Id] = missing;
                }
            }
            var elapsed = time.GetElapsedTime(started);
            if (pending.Count == 0)
            {
                return new JsonObject
                {
                    ["seconds"] = Seconds(elapsed),
                    ["method"] = Method,
                    ["nameservers"] = new JsonArray([.. settings.CheckNameservers.Select(n => (JsonNode?)JsonValue.Create(n.ToString()))]),
                    ["timeoutSeconds"] = settings.PropagationTimeout.TotalSeconds,
                    ["records"] = seen,
                };
            }
            if (elapsed >= settings.PropagationTimeout)
            {
                var waiting = expected.Where(e => pending.ContainsKey(e.Id)).Select(e => $"{e} should be {e.Values.Content}: {pending[e.Id]}");
                throw new ActivityFailedException(
                    $"DNS change not visible within DNS_PROPAGATION_TIMEOUT ({settings.PropagationTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, checked by {Method}): {string.Join("; ", waiting)}. " +
                    "The records are changed; retry to wait again, or skip once you have seen the change yourself.");
            }
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private bool ChecksThroughApi(Expected record) => settings.CheckNameservers.Count == 0 || record.Values.Proxied;

    /// <summary>Null when the record is visible; else what was seen instead.</summary>
    private async Task<string?> WhatIsMissingAsync(Expected record, CancellationToken cancellationToken)
    {
        if (ChecksThroughApi(record))
        {
            var current = await records.GetAsync(record.Id, cancellationToken);
            return current is null ? "the API no longer lists the record"
                : current.Values == record.Values ? null
                : $"the API reads {current.Values}";
        }
        var wrong = new List<string>();
        foreach (var server in settings.CheckNameservers)
        {
            var answer = await NameserverQueries.AskAsync(server, record.Name, record.Type, cancellationToken);
            if (!NameserverQueries.Shows(answer, record.Type, record.Values.Content)) wrong.Add($"{server} answers {answer}");
        }
        return wrong.Count == 0 ? null : string.Join(", ", wrong);
    }

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3);
}
