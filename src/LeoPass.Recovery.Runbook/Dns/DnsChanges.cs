using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Journal;

namespace LeoPass.Recovery.Runbook.Dns;

/// <summary>
/// Where a failover's changes are remembered, and how they are found again. Before it changes a
/// record, the failover appends a <c>dns.switch</c> audit record of the run holding the record's
/// previous values (committed first, so a failover cut off between the change and the end of its
/// attempt still knows what it replaced); when it succeeds, its output lists every change. The
/// failback reads the output, and the audit records when the failover never finished.
/// </summary>
public static class DnsChanges
{
    public const string SwitchAction = "dns.switch";
    public const string FailbackAction = "dns.failback";

    /// <summary>The changes the failover step of <paramref name="runId"/> made, one per record, first values first.</summary>
    public static async Task<IReadOnlyList<DnsRecordChange>> OfFailoverAsync(RunQueries runs, long runId, string failoverStep, IReadOnlyDictionary<string, JsonObject>? outputs, CancellationToken cancellationToken)
    {
        var output = outputs?.GetValueOrDefault(failoverStep);
        if (output is null)
        {
            var run = await runs.GetAsync(runId, cancellationToken);
            var step = run.Steps.FirstOrDefault(s => s.StepId == failoverStep);
            if (step is { State: StepState.Succeeded, Output: { } text }) output = JsonNode.Parse(text) as JsonObject;
        }
        return output?["records"] is JsonArray ? InOutput(output) : await SavedBeforeSwitchAsync(runs, runId, failoverStep, cancellationToken);
    }

    /// <summary>The changes a failover's output (or its plan's expected output) lists.</summary>
    public static IReadOnlyList<DnsRecordChange> InOutput(JsonObject? output) =>
        output?["records"] is JsonArray recorded ? [.. recorded.OfType<JsonObject>().Select(DnsRecordChange.FromJson)] : [];

    /// <summary>The changes the step announced in the audit trail, the earliest per record (that one holds the values before any attempt switched it).</summary>
    public static async Task<IReadOnlyList<DnsRecordChange>> SavedBeforeSwitchAsync(RunQueries runs, long runId, string stepId, CancellationToken cancellationToken) =>
        (await runs.AuditAsync(runId, cancellationToken))
            .Where(a => a.Action == SwitchAction && a.StepId == stepId && a.Details is not null)
            .Select(a => DnsRecordChange.FromJson(JsonNode.Parse(a.Details!)!))
            .GroupBy(c => c.Id)
            .Select(g => g.First())
            .ToList();
}
