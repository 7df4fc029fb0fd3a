using LeoPass.Recovery.Engine.Definitions;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// `drill start`: the restore runbook as a run — by default the drill an operator may start
/// (purpose drill, not production), or any restore named with --definition. What a definition
/// needs (--confirm for production, services for --rotate-credentials) is read from it, not from its id.
/// </summary>
internal static class DrillCommands
{
    private const string RotateCredentialsParameter = "rotateCredentials";

    public static Command Create()
    {
        var drill = new Command("drill", "Restore drills and incident restores: the nine runbook steps as a resumable run with RTO/RPO report.");
        drill.Subcommands.Add(Start());
        return drill;
    }

    private static Command Start()
    {
        var backup = new Option<string>("--backup") { Description = "Restore point: latest (newest verified backup), an artefact key, or a UTC date yyyy-MM-dd.", DefaultValueFactory = _ => "latest" };
        var definition = new Option<string?>("--definition") { Description = "The restore workflow to run (the \"id\" in workflows/*.json or GET /api/definitions); default: the drill an operator may start (\"purpose\": \"drill\", not production). A production definition needs --confirm." };
        var confirm = new Option<string?>("--confirm") { Description = "The target database's name (TARGET_DATABASE_URL); required by production definitions (\"policy\": {\"production\": true})." };
        var rotate = new Option<bool>("--rotate-credentials") { Description = "Incident/rehearsal: set a new password on APP_DATABASE_ROLE and deliver it to the services." };
        var perRun = new Option<bool>("--per-run-database") { Description = "Restore into <target>_r<run id> instead of the target database." };
        var notes = new Option<string?>("--notes") { Description = "Operator notes for the SHIP_NOTES entry." };
        var wait = new Option<bool>("--wait") { Description = "Follow the run until it finishes, halts or waits for approval (exit 0, 1 or 3). With no server up, this process executes it; Ctrl+C then halts it, resumable with `run resume` (exit 130)." };
        var command = new Command("start", "Start a restore drill (default: the operator's drill with the latest verified backup).")
        {
            backup, definition, confirm, rotate, perRun, notes, wait,
        };
        command.SetActionWithoutHost(async (output, parse, ct) =>
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["backup"] = parse.GetValue(backup)! };
            if (parse.GetValue(perRun)) values["perRunDatabase"] = "true";
            if (parse.GetValue(notes) is { Length: > 0 } n) values["notes"] = n;
            if (parse.GetValue(rotate)) values[RotateCredentialsParameter] = "true";
            if (parse.GetValue(confirm) is { Length: > 0 } c) values[DefinitionPolicy.ConfirmParameter] = c;
            return await RunCommands.ActAndFollowAsync(output, parse, parse.GetValue(wait), "start", async (node, starter) =>
            {
                var catalog = node.Get<DefinitionCatalog>();
                var chosen = parse.GetValue(definition) is { Length: > 0 } named
                    ? await catalog.FindLatestDefinitionAsync(named, ct) ?? throw new NotFoundException($"no workflow definition '{named}' is published (GET /api/definitions lists them)")
                    : await catalog.DefaultDrillAsync(ct);
                if (values.ContainsKey(RotateCredentialsParameter) && chosen.Parameters.All(p => p.Name != RotateCredentialsParameter))
                {
                    throw new InvalidRunRequestException($"--rotate-credentials: {chosen.Id} declares no '{RotateCredentialsParameter}' parameter (it does not touch services); choose a --definition that does");
                }
                if (chosen.Policy.Production && !values.ContainsKey(DefinitionPolicy.ConfirmParameter))
                {
                    throw new InvalidRunRequestException($"{chosen.Id} writes a production restore: add --confirm <target database name> (the database of TARGET_DATABASE_URL)");
                }
                return await starter.StartAsync(new StartRunRequest(chosen.Id, values, RunCommands.Who(node), "manual"), ct);
            }, ct);
        });
        return command;
    }
}
