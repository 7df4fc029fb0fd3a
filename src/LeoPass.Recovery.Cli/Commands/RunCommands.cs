using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Server.Hosting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>`run …`: start workflow runs, follow them, and act on them as a responder.</summary>
internal static class RunCommands
{
    public static Command Create()
    {
        var run = new Command("run", "Start, inspect and steer workflow runs (retry, skip, resume, abort, approve, reject).");
        run.Subcommands.Add(Start());
        run.Subcommands.Add(Status());
        run.Subcommands.Add(List());
        run.Subcommands.Add(Journal());
        run.Subcommands.Add(Retry());
        run.Subcommands.Add(Resume());
        run.Subcommands.Add(Skip());
        run.Subcommands.Add(Abort());
        run.Subcommands.Add(Approve());
        run.Subcommands.Add(Reject());
        run.Subcommands.Add(RunReportCommand.Create());
        return run;
    }

    private static Command Start()
    {
        var definition = new Argument<string>("definition") { Description = "Workflow definition id: the \"id\" in workflows/*.json (GET /api/definitions lists the published ones)." };
        var parameters = new Option<string[]>("--param") { Description = "A run parameter as name=value; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var wait = WaitOption();
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Start nothing: print what each enabled step would do (its plan), reading but never changing the store, the target or anything else. Exit 2 when a real start would be refused.",
        };
        var command = new Command("start", "Start a run of a workflow definition.") { definition, parameters, wait, dryRun };
        command.SetActionWithoutHost(async (output, parse, ct) =>
        {
            var values = ParseParameters(parse.GetValue(parameters) ?? []);
            if (parse.GetValue(dryRun)) return await PlanAsync(output, parse, parse.GetValue(definition)!, values, ct);
            return await ActAndFollowAsync(output, parse, parse.GetValue(wait), "start", (node, starter) =>
                starter.StartAsync(new StartRunRequest(parse.GetValue(definition)!, values, Who(node), "manual"), ct), ct);
        });
        return command;
    }

    /// <summary>`run start … --dry-run`: the newest published version (the workflows directory is published first, as a start does), planned step by step.</summary>
    private static async Task<int> PlanAsync(CliOutput output, ParseResult parse, string definitionId, Dictionary<string, string> values, CancellationToken ct)
    {
        await using var node = await RunningNode.StartAsync(NodeRole.Client, parse.GetValue(CommonOptions.Verbose), ct, publishDefinitions: true);
        var definition = await node.Get<DefinitionCatalog>().FindLatestDefinitionAsync(definitionId, ct)
            ?? throw new NotFoundException($"no workflow definition '{definitionId}' is published (`run start` names the \"id\" of a file in workflows/)");
        var plan = await node.Get<DryRun>().PlanAsync(definition, values, ct);
        if (output.Json)
        {
            output.WriteJson(plan);
        }
        else
        {
            output.Line($"dry run of {plan.DefinitionId} v{plan.Version}: nothing was started, created or downloaded.");
            foreach (var (step, i) in plan.Steps.Select((s, i) => (s, i)))
            {
                output.Line($"{i + 1}. {step.Title} ({step.Activity}){(step.Planned ? "" : " — NOT PLANNED")}");
                foreach (var action in step.Actions) output.Line($"     {action}");
            }
        }
        if (plan.WouldRefuse is null) return ExitCodes.Success;
        output.Note($"a real start would be refused: {plan.WouldRefuse}");
        return ExitCodes.Refused;
    }

    /// <summary>
    /// Does what the command asks, then either reports the run's state or, with --wait, follows it
    /// until it finishes, halts or waits for a person. With --wait and no server up, this process
    /// joins the cluster as a temporary node for the duration, so one machine needs no daemon.
    /// </summary>
    internal static async Task<int> ActAndFollowAsync(CliOutput output, ParseResult parse, bool follow, string verb, Func<RunningNode, RunStarter, Task<long>> act, CancellationToken ct)
    {
        var (runId, final) = await ActAsync(output, parse, follow, verb == "start", act, ct);
        if (output.Json)
        {
            output.WriteJson(final);
        }
        else if (!follow)
        {
            output.Line(verb == "start"
                ? $"run {runId} of {final.DefinitionId} v{final.DefinitionVersion} started ({final.State}). Follow it with `run status {runId}`."
                : $"run {runId}: {verb} done; the run is {final.State}.");
        }
        return follow ? ExitCodeOf(final.State) : ExitCodes.Success;
    }

    /// <summary>0 succeeded, 3 waiting for a person at a gate, 1 anything else (halted, aborted).</summary>
    internal static int ExitCodeOf(RunState state) => state switch
    {
        RunState.Succeeded => ExitCodes.Success,
        RunState.WaitingForApproval => ExitCodes.WaitingForApproval,
        _ => ExitCodes.Failure,
    };

    /// <summary>
    /// Does what the command asks; with <paramref name="follow"/>, follows the run until it
    /// finishes, halts or waits for a person and returns it as it settled, else as it stands now.
    /// One host for the whole command. With --wait and no server up, this process is the run's
    /// temporary node: a run it starts is created already held by it, and it executes the run at
    /// once, directly, without joining the scheduler or waiting for anyone's poll.
    /// Ctrl+C (<paramref name="ct"/>) then cancels the step in progress and halts the run as
    /// interrupted; when a server executes the run, it only stops following it, and the run goes on.
    /// Either way <see cref="CommandInterruptedException"/> says which.
    /// </summary>
    internal static async Task<(long RunId, Run Run)> ActAsync(CliOutput output, ParseResult parse, bool follow, bool publish, Func<RunningNode, RunStarter, Task<long>> act, CancellationToken ct)
    {
        var quiet = output.Json;
        // A temporary node joins nothing, so it is also the right host when a server turns out to be up.
        await using var node = await RunningNode.StartAsync(follow ? NodeRole.TemporaryNode : NodeRole.Client, parse.GetValue(CommonOptions.Verbose), ct,
            publishDefinitions: publish || follow);
        var nodes = node.Get<ClusterNodes>();
        var executeHere = follow && (await nodes.LiveAsync(ct)).Count == 0;
        var starter = new RunStarter(node.Get<RunOperations>(), executeHere ? new RunHolder(node.Get<EngineOptions>().NodeId) : null);
        var runId = await act(node, starter);
        var queries = node.Get<RunQueries>();
        if (!follow) return (runId, await queries.GetAsync(runId, ct));
        if (!quiet && executeHere) output.Note("no server is up: this process executes the run as a temporary node of the cluster.");
        var held = starter.Held;
        while (true)
        {
            var execution = executeHere ? Task.Run(() => LocalExecution.ExecuteAsync(node, runId, held, ct), CancellationToken.None) : null;
            held = null;
            Run? final;
            try
            {
                // Following stops (null) when nothing executes the run any more: not here, and no node alive.
                final = await RunProgress.FollowAsync(output, queries, runId,
                    async token => (execution is null || execution.IsCompleted) && (await nodes.LiveAsync(token)).Count == 0,
                    executeHere ? node.Get<RunChanges>() : null, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return (runId, await InterruptedAsync(queries, runId, execution));
            }
            if (execution is not null) await execution;
            if (final is not null) return (runId, final);
            if (!quiet && !executeHere) output.Note($"no engine node is alive to execute run {runId} any more: this process takes it over as a temporary node of the cluster.");
            executeHere = true;
        }
    }

    /// <summary>
    /// Ctrl+C while following: waits for this process's execution to journal the cancelled step and
    /// halt the run, and says so; with no execution here, the run goes on where it executes.
    /// Returns the run only if it settled by itself first (it finished as the key was pressed).
    /// </summary>
    private static async Task<Run> InterruptedAsync(RunQueries queries, long runId, Task<RunExecutionResult?>? execution)
    {
        var result = execution is null ? null : await execution;
        var run = await queries.GetAsync(runId, CancellationToken.None);
        if (result is RunExecutionResult.Interrupted)
        {
            throw new CommandInterruptedException($"run {runId} ({run.DefinitionId}) {run.State.ToString().ToLowerInvariant()}: {run.HaltReason ?? "stopped by " + StopSignals.Describe()}");
        }
        if (result is null or RunExecutionResult.LostOwnership)
        {
            var where = run.HolderNode is { } holder ? $" on node {holder}" : "";
            throw new CommandInterruptedException($"stopped following run {runId} ({run.DefinitionId}); it goes on{where}, {run.State} now (`run status {runId}` follows it, `run abort {runId} --reason …` stops it)");
        }
        return run;
    }

    private static Option<bool> WaitOption() => new("--wait")
    {
        Description = "Follow the run until it finishes, halts or waits for approval (exit 0, 1 or 3). With no server up, this process executes it as a temporary node; Ctrl+C then halts it, resumable (exit 130).",
    };

    private static Command Status()
    {
        var id = RunId();
        var command = new Command("status", "Show a run and its steps.") { id };
        command.SetAction(async (context, parse, ct) =>
        {
            var view = await context.Get<RunQueries>().GetAsync(parse.GetValue(id), ct);
            if (context.Output.Json) context.Output.WriteJson(view);
            else new RunTables(context.Output).WriteRun(view);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List()
    {
        var definition = new Option<string?>("--definition") { Description = "Only runs of this definition." };
        var state = new Option<RunState?>("--state") { Description = "Only runs in this state (Pending, Running, WaitingForApproval, Halted, Succeeded, Aborted)." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first.", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "List runs, newest first.") { definition, state, limit };
        command.SetAction(async (context, parse, ct) =>
        {
            var runs = await context.Get<RunQueries>().ListAsync(parse.GetValue(limit), parse.GetValue(definition), parse.GetValue(state), cancellationToken: ct);
            if (context.Output.Json) context.Output.WriteJson(runs);
            else new RunTables(context.Output).WriteRuns(runs);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Journal()
    {
        var id = RunId();
        var command = new Command("journal", "Show every attempt of every step of a run: node, times, duration, waiting time, outcome, intents.") { id };
        command.SetAction(async (context, parse, ct) =>
        {
            var queries = context.Get<RunQueries>();
            var journal = await queries.JournalAsync(parse.GetValue(id), ct);
            var audit = await queries.AuditAsync(parse.GetValue(id), ct);
            if (context.Output.Json) context.Output.WriteJson(new { attempts = journal, audit });
            else new RunTables(context.Output).WriteJournal(journal, audit);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Retry() => Operation("retry", "Re-run the failed step of a halted run as a new attempt.", [],
        (ops, who, parse, id, ct) => ops.RetryAsync(id, who, ct));

    private static Command Resume() => Operation("resume", "Continue a halted run from its first unfinished step.", [],
        (ops, who, parse, id, ct) => ops.ResumeAsync(id, who, ct));

    private static Command Skip()
    {
        var step = StepOption();
        var reason = new Option<string>("--reason") { Description = "Why the step is skipped (kept in the audit trail).", Required = true };
        return Operation("skip", "Skip a step of a halted run, with a reason, and continue after it.", [step, reason],
            (ops, who, parse, id, ct) => ops.SkipAsync(id, parse.GetValue(step)!, parse.GetValue(reason)!, who, ct));
    }

    private static Command Abort()
    {
        var reason = new Option<string>("--reason") { Description = "Why the run is aborted (kept in the audit trail).", Required = true };
        return Operation("abort", "Abort a run for good; a step executing anywhere is cancelled.", [reason],
            (ops, who, parse, id, ct) => ops.AbortAsync(id, parse.GetValue(reason)!, who, ct), canWait: false);
    }

    private static Command Approve()
    {
        var step = StepOption();
        var note = new Option<string?>("--note") { Description = "Note for the audit trail." };
        return Operation("approve", "Open the approval gate a step waits at.", [step, note],
            (ops, who, parse, id, ct) => ops.ApproveAsync(id, parse.GetValue(step)!, parse.GetValue(note), who, ct));
    }

    private static Command Reject()
    {
        var step = StepOption();
        var note = new Option<string>("--note") { Description = "Why the gate is rejected (kept in the audit trail).", Required = true };
        return Operation("reject", "Reject the approval gate a step waits at: the run halts.", [step, note],
            (ops, who, parse, id, ct) => ops.RejectAsync(id, parse.GetValue(step)!, parse.GetValue(note)!, who, ct), canWait: false);
    }

    private static Command Operation(string name, string description, Option[] options, Func<RunOperations, string, ParseResult, long, CancellationToken, Task> act, bool canWait = true)
    {
        var id = RunId();
        var wait = WaitOption();
        var command = new Command(name, description) { id };
        foreach (var option in options) command.Options.Add(option);
        if (canWait) command.Options.Add(wait);
        command.SetActionWithoutHost((output, parse, ct) =>
            ActAndFollowAsync(output, parse, canWait && parse.GetValue(wait), name, async (node, _) =>
            {
                var runId = parse.GetValue(id);
                await act(node.Get<RunOperations>(), Who(node), parse, runId, ct);
                return runId;
            }, ct));
        return command;
    }

    private static Argument<long> RunId() => new("id") { Description = "The run id (see `run list`)." };

    private static Option<string> StepOption() => new("--step") { Description = "The step id.", Required = true };

    /// <summary>Who acts, for the audit trail: LEOPASS_OPERATOR, else the OS user.</summary>
    internal static string Who(RunningNode node) => node.Get<RecoverySettings>().Node.Operator ?? $"cli:{Environment.UserName}";

    private static Dictionary<string, string> ParseParameters(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new InvalidRunRequestException($"--param '{pair}' is not name=value");
            values[pair[..eq]] = pair[(eq + 1)..];
        }
        return values;
    }
}
