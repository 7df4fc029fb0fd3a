using System.Globalization;
using System.Text;

namespace LeoPass.Recovery.Server.Reports;

/// <summary>The report as Markdown, for a post-mortem or a chat message.</summary>
public static class RunReportMarkdown
{
    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Run {report.RunId}: {report.Title} ({report.Definition} v{report.Version})");
        md.AppendLine();
        md.AppendLine(c, $"- **Outcome:** {report.State}");
        md.AppendLine(c, $"- **Started by:** {report.StartedBy}");
        md.AppendLine(c, $"- **Started:** {Time(report.StartedAt)}  **Ended:** {Time(report.EndedAt)}");
        md.AppendLine(c, $"- **RTO:** {Figure(report.Rto)}");
        md.AppendLine(c, $"- **RPO:** {(report.Rpo is null ? "not measured (no restore point in this run)" : Figure(report.Rpo))}");
        if (report.HaltReason is not null) md.AppendLine(c, $"- **Halted:** {report.HaltReason}");
        md.AppendLine();
        md.AppendLine("| # | step | state | attempts | work | waiting | note |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        var i = 1;
        foreach (var step in report.Steps)
        {
            var note = step.SkipReason ?? step.Error ?? "";
            md.AppendLine(c, $"| {i++} | {Cell(step.Title)} | {step.State} | {step.Attempts} | {Duration(step.WorkTime)} | {Duration(step.WaitingTime)} | {Cell(note)} |");
        }
        if (report.Audit.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Audit trail");
            md.AppendLine();
            foreach (var entry in report.Audit)
            {
                md.AppendLine(c, $"- {Time(entry.At)} **{entry.Who}** {entry.Action}{(entry.StepId is null ? "" : $" `{entry.StepId}`")}{(entry.Reason is null ? "" : $": {entry.Reason}")}");
            }
        }
        return md.ToString();
    }

    private static string Figure(ObjectiveFigure figure) => figure.Value is not { } value
        ? $"not yet measured (target {Duration(figure.Target)})"
        : $"{Duration(value)} against a target of {Duration(figure.Target)} — {(figure.WithinTarget == true ? "within target" : "**TARGET MISSED**")}";

    private static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? span.ToString(@"h\h\ mm\m", CultureInfo.InvariantCulture)
        : span.TotalMinutes >= 1 ? span.ToString(@"m\m\ ss\s", CultureInfo.InvariantCulture) : $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
