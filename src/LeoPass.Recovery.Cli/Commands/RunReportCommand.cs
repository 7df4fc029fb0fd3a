using System.CommandLine;
using LeoPass.Recovery.Cli.Hosting;
using LeoPass.Recovery.Cli.Output;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Hosting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`run report &lt;id&gt;`: the run's recovery report, as written to SHIP_NOTES (Markdown) or as JSON.</summary>
internal static class RunReportCommand
{
    public static Command Create()
    {
        var id = new Argument<long>("id") { Description = "The run id (see `run list`)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("report", "Print a run's report: restore point, RPO and RTO against the targets, every step with attempts and durations (Markdown, as in SHIP_NOTES).") { id, json };
        command.SetAction((parse, ct) => CliErrors.GuardAsync(async () =>
        {
            await using var node = await RunningNode.StartAsync(NodeRole.Client, parse.GetValue(CommonOptions.Verbose), ct);
            var report = await node.Get<RunReportBuilder>().BuildAsync(parse.GetValue(id), null, ct);
            if (parse.GetValue(json)) RunTables.WriteJson(report);
            else Console.Write(SecretRedactor.Shared.Redact(RunReportMarkdown.Render(report)));
            return 0;
        }));
        return command;
    }
}
