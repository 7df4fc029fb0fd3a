using LeoPass.Recovery.Runbook.Reporting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`run report &lt;id&gt;`: the run's recovery report, as written to SHIP_NOTES (Markdown) or as JSON.</summary>
internal static class RunReportCommand
{
    public static Command Create()
    {
        var id = new Argument<long>("id") { Description = "The run id (see `run list`)." };
        var command = new Command("report", "Print a run's report: restore point, RPO and RTO against the targets, every step with attempts and durations (Markdown, as in SHIP_NOTES; --json: the report as JSON).") { id };
        command.SetAction(async (context, parse, ct) =>
        {
            var report = await context.Get<RunReportBuilder>().BuildAsync(parse.GetValue(id), null, ct);
            if (context.Output.Json) context.Output.WriteJson(report);
            else context.Output.Text(RunReportMarkdown.Render(report));
            return ExitCodes.Success;
        });
        return command;
    }
}
