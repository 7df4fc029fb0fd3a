using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Dns;

namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>The parts of a report that a DR rehearsal adds: the infrastructure check's findings and the DNS it moved.</summary>
internal static class FailoverReport
{
    public const string CheckActivity = "runbook.check-infrastructure";
    public const string FailoverActivity = "runbook.failover-dns";
    public const string FailbackActivity = "runbook.failback-dns";

    /// <summary>The findings of the check step that succeeded (a failed check names them in its error, the step's note).</summary>
    public static IReadOnlyList<ReportFinding>? Findings(Run run) =>
        Output(run.Steps.FirstOrDefault(s => s.Activity == CheckActivity && s.State == StepState.Succeeded)?.Output)?["findings"] is JsonArray findings
            ? [.. findings.OfType<JsonObject>().Select(f => new ReportFinding(f["check"]!.GetValue<string>(), f["outcome"]!.GetValue<string>(), f["detail"]!.GetValue<string>()))]
            : null;

    /// <summary>Null when the run changed no DNS record.</summary>
    public static ReportDns? Dns(Run run, IReadOnlyList<AuditEntry> audit, IReadOnlyList<ReportStep> steps)
    {
        var failover = run.Steps.FirstOrDefault(s => s.Activity == FailoverActivity);
        if (failover is null) return null;
        var output = failover.State == StepState.Succeeded ? Output(failover.Output) : null;
        // A failover that never finished still announced each change in the audit trail before making it.
        var changes = output is not null
            ? DnsChanges.InOutput(output)
            : [.. audit.Where(a => a.Action == DnsChanges.SwitchAction && a.StepId == failover.StepId && a.Details is not null)
                .Select(a => DnsRecordChange.FromJson(JsonNode.Parse(a.Details!)!)).GroupBy(c => c.Id).Select(g => g.First())];
        if (changes.Count == 0) return null;
        var failback = run.Steps.FirstOrDefault(s => s.Activity == FailbackActivity && s.State == StepState.Succeeded);
        var failbackOutput = Output(failback?.Output);
        var putBack = (failbackOutput?["records"] as JsonArray)?.OfType<JsonObject>().Select(r => r["id"]!.GetValue<string>()).ToHashSet() ?? [];
        return new ReportDns(
            failover.StepId,
            output?["propagation"]?["seconds"]?.GetValue<double>(),
            output?["propagation"]?["method"]?.GetValue<string>(),
            steps.Single(s => s.Id == failover.StepId).CountsTowardRto,
            failbackOutput?["propagation"]?["seconds"]?.GetValue<double>(),
            [.. changes.Select(c => new ReportDnsRecord(c.Record, c.Before.ToString(), c.After.ToString(), putBack.Contains(c.Id) ? "put back" : "on the standby"))]);
    }

    private static JsonObject? Output(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;
}
