using System.CommandLine;
using LeoPass.Recovery.Cli.Output;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`drill start`: the restore runbook as a run — the monthly staging drill by default, or the DR rehearsal or an incident restore.</summary>
internal static class DrillCommands
{
    public static Command Create()
    {
        var drill = new Command("drill", "Restore drills and incident restores: the nine runbook steps as a resumable run with RTO/RPO report.");
        drill.Subcommands.Add(Start());
        return drill;
    }

    private static Command Start()
    {
        var backup = new Option<string>("--backup") { Description = "Restore point: latest (newest verified backup), an artefact key, or a UTC date yyyy-MM-dd.", DefaultValueFactory = _ => "latest" };
        var definition = new Option<string>("--definition") { Description = "restore-drill (staging, default), dr-rehearsal, or incident-restore (production; needs --confirm).", DefaultValueFactory = _ => "restore-drill" };
        var confirm = new Option<string?>("--confirm") { Description = "The target database's name (TARGET_DATABASE_URL); required by incident-restore." };
        var rotate = new Option<bool>("--rotate-credentials") { Description = "Incident/rehearsal: set a new password on APP_DATABASE_ROLE and deliver it to the services." };
        var perRun = new Option<bool>("--per-run-database") { Description = "Restore into <target>_r<run id> instead of the target database." };
        var notes = new Option<string?>("--notes") { Description = "Operator notes for the SHIP_NOTES entry." };
        var wait = new Option<bool>("--wait") { Description = "Follow the run until it finishes, halts or waits for approval (exit 0, 1 or 3). With no server up, this process executes it." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("start", "Start a restore drill (default: restore-drill with the latest verified backup).")
        {
            backup, definition, confirm, rotate, perRun, notes, wait, json,
        };
        command.SetAction((parse, ct) => CliErrors.GuardAsync(async () =>
        {
            var id = parse.GetValue(definition)!;
            var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["backup"] = parse.GetValue(backup)! };
            if (parse.GetValue(perRun)) values["perRunDatabase"] = "true";
            if (parse.GetValue(notes) is { Length: > 0 } n) values["notes"] = n;
            if (parse.GetValue(rotate))
            {
                if (id == "restore-drill") throw new InvalidRunRequestException("--rotate-credentials needs --definition incident-restore or dr-rehearsal: the staging drill does not touch services");
                values["rotateCredentials"] = "true";
            }
            if (parse.GetValue(confirm) is { Length: > 0 } c) values["confirm"] = c;
            else if (id == "incident-restore") throw new InvalidRunRequestException("incident-restore writes a production restore: add --confirm <target database name> (the database of TARGET_DATABASE_URL)");
            return await RunCommands.ActAndFollowAsync(parse, parse.GetValue(wait), parse.GetValue(json), "start", async node =>
                (await node.Get<RunOperations>().StartAsync(new StartRunRequest(id, values, RunCommands.Who(node), "manual"), ct)).Id, ct);
        }));
        return command;
    }
}
