using System.Text;
using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>The report as a SHIP_NOTES entry: the run's page in the console (when LEOPASS_PUBLIC_URL is set), date, definition, restore point, RPO, RTO against the targets, the step table, outcome, notes, follow-ups.</summary>
public static class RunReportMarkdown
{
    public static string BeginMarker(long runId) => $"<!-- leopass-recovery run {runId} -->";
    public static string EndMarker(long runId) => $"<!-- /leopass-recovery run {runId} -->";

    public static string Render(RunReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var date = (r.StartedAt ?? DateTimeOffset.UnixEpoch).UtcDateTime;
        sb.AppendLine(BeginMarker(r.RunId));
        sb.AppendLine(c, $"## {date:yyyy-MM-dd} — {r.DefinitionId} (run {r.RunId}): {r.Outcome}");
        sb.AppendLine();
        if (r.RunUrl is { } url) sb.AppendLine(c, $"- **Run page:** {url}");
        sb.AppendLine(c, $"- **Date:** started {Stamp(r.StartedAt)}{(r.EndedAt is null ? "" : $", ended {Stamp(r.EndedAt)}")}");
        sb.AppendLine(c, $"- **Definition:** {r.DefinitionId} v{r.DefinitionVersion}, {r.Trigger} start by {r.StartedBy}");
        sb.AppendLine(c, $"- **Restore point:** {(r.RestorePoint is null ? "none (not downloaded)" : $"`{r.RestorePoint}`, snapshot {Stamp(r.SnapshotStartedAt)}")}");
        sb.AppendLine(c, $"- **RPO:** {Span(r.RpoSeconds)} (target {Span(r.RpoTargetSeconds)}) — {Verdict(r.RpoMet)}");
        sb.AppendLine(c, $"- **RTO:** {Span(r.RtoSeconds)} until {r.RtoMeasuredUntil} (target {Span(r.RtoTargetSeconds)}) — {Verdict(r.RtoMet)}");
        if (r.RtoBreakdown is { } b)
        {
            sb.AppendLine(c, $"- **Where the RTO went:** work {Seconds(b.WorkSeconds)}{(r.Dns is { PropagationSeconds: { } dnsWait, PropagationCountsTowardRto: true } ? $" (of which DNS propagation {Seconds(dnsWait)})" : "")} + waiting for a person at gates {Seconds(b.WaitingSeconds)} + halted, waiting for a responder {Seconds(b.HaltedSeconds)} + lost to interrupted nodes {Seconds(b.LostSeconds)} + engine overhead {Seconds(b.OverheadSeconds)} = {Seconds(r.RtoSeconds ?? 0)}{(r.WallSeconds is { } wall ? $" (run wall time {Seconds(wall)})" : "")}");
        }
        sb.AppendLine(c, $"- **Outcome:** {r.Outcome} (run state {r.State})");
        sb.AppendLine();
        sb.AppendLine("| # | step | state | attempts | work | waiting | halted | lost | total | in RTO | note |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in r.Steps)
        {
            var state = s.Disabled ? "disabled" : s.State.ToString();
            sb.AppendLine(c, $"| {s.Number} | {Cell(s.Id)} | {state} | {s.AttemptCount} | {Seconds(s.WorkSeconds)} | {Seconds(s.WaitingSeconds)} | {Seconds(s.HaltedSeconds)} | {Seconds(s.LostSeconds)} | {Seconds(s.TotalSeconds)} | {(s.CountsTowardRto ? "yes" : "")} | {Cell(s.Note ?? "")} |");
        }
        if (r.Dns is { PropagationSeconds: { } propagation } dns)
        {
            sb.AppendLine(c, $"|  | DNS propagation (inside step {Cell(dns.FailoverStep)}) |  |  |  |  |  |  | {Seconds(propagation)} | {(dns.PropagationCountsTowardRto ? "yes" : "")} | until {(dns.PropagationMethod == "nameservers" ? "every nameserver of DNS_CHECK_NAMESERVERS answered" : "the Cloudflare API read it back")} |");
        }
        if (r.OverheadSeconds is { } overhead)
        {
            sb.AppendLine(c, $"|  | engine overhead |  |  |  |  |  |  | {Seconds(overhead)} | yes |  |");
            sb.AppendLine(c, $"|  | **RTO** |  |  |  |  |  |  | **{Seconds(r.RtoSeconds ?? 0)}** |  |  |");
        }
        var retried = r.Steps.Where(s => s.AttemptCount > 1).ToList();
        if (retried.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Attempts of steps that ran more than once:");
            sb.AppendLine();
            foreach (var s in retried)
            {
                foreach (var a in s.Attempts)
                {
                    sb.AppendLine(c, $"- step {s.Number} ({Cell(s.Id)}) attempt {a.Number} on {a.Node}: {a.Outcome}, {Seconds(a.DurationSeconds ?? 0)}{(a.Error is null ? "" : $" — {Cell(a.Error)}")}");
                }
            }
        }
        if (r.Infrastructure is { Count: > 0 } findings)
        {
            sb.AppendLine();
            sb.AppendLine("**Infrastructure check**");
            sb.AppendLine();
            foreach (var f in findings) sb.AppendLine(c, $"- {f.Check}: {f.Outcome} — {Cell(f.Detail)}");
        }
        if (r.Dns is { } changed)
        {
            sb.AppendLine();
            sb.AppendLine(c, $"**DNS records changed** (propagation {(changed.PropagationSeconds is { } p ? Seconds(p) : "not measured")}{(changed.FailbackPropagationSeconds is { } back ? $", failback {Seconds(back)}" : "")})");
            sb.AppendLine();
            sb.AppendLine("| record | before | after the failover | now |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var d in changed.Records) sb.AppendLine(c, $"| {Cell(d.Record)} | {Cell(d.Before)} | {Cell(d.After)} | {d.Now} |");
        }
        sb.AppendLine();
        sb.AppendLine("**Operator notes**");
        sb.AppendLine();
        if (r.OperatorNotes.Count == 0) sb.AppendLine("- none");
        foreach (var note in r.OperatorNotes) sb.AppendLine(c, $"- {Cell(note)}");
        sb.AppendLine();
        sb.AppendLine("**Follow-ups**");
        sb.AppendLine();
        if (r.FollowUps.Count == 0) sb.AppendLine("- none");
        foreach (var item in r.FollowUps) sb.AppendLine(c, $"- [ ] {Cell(item)}");
        sb.AppendLine(EndMarker(r.RunId));
        return sb.ToString();
    }

    private static string Stamp(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";

    private static string Verdict(bool? met) => met switch { true => "met", false => "**MISSED**", null => "not measured" };

    private static string Span(double? seconds) => seconds is { } s ? RunReportBuilder.Hours(TimeSpan.FromSeconds(s)) : "—";

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
