using System.Diagnostics;
using System.Net.Http.Json;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Server.Hosting;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>
/// `bench engine` (hidden): the engine's own overhead per step. Starts runs of a definition of
/// no-op steps on the servers that are up, a few in flight at a time so the figure is latency,
/// not queueing, then reads the journal: a step's time is from the end of the previous step (or
/// the run's creation, for the first: that one includes dispatch through Quartz) to its own end.
/// Used by scripts/bench/engine.sh.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var definition = new Option<string>("--definition") { Description = "A definition of no-op steps.", DefaultValueFactory = _ => "bench-noop" };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 200 };
        var inFlight = new Option<int>("--in-flight") { Description = "Runs in flight at once.", DefaultValueFactory = _ => 4 };
        var engine = new Command("engine", "Measure engine overhead per step with no-op activities.") { definition, runs, inFlight };
        engine.SetActionWithoutHost(async (output, parse, ct) =>
        {
            await using var node = await RunningNode.StartAsync(NodeRole.Client, parse.GetValue(CommonOptions.Verbose), ct);
            var nodes = await node.Get<ClusterNodes>().LiveAsync(ct);
            if (nodes.Count == 0) throw new InvalidRunRequestException("no server is up: start `leopass-recovery server` first");
            var operations = node.Get<RunOperations>();
            var queries = node.Get<RunQueries>();
            var total = parse.GetValue(runs);
            var next = 0;
            var ids = new List<long>();
            var wall = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, parse.GetValue(inFlight)).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= total)
                {
                    var run = await operations.StartAsync(new StartRunRequest(parse.GetValue(definition)!, new Dictionary<string, string>(), "bench"), ct);
                    lock (ids) ids.Add(run.Id);
                    while ((await queries.GetAsync(run.Id, ct)).State is not (RunState.Succeeded or RunState.Halted or RunState.Aborted))
                    {
                        await Task.Delay(25, ct);
                    }
                }
            }));
            wall.Stop();
            var all = new List<double>();
            var first = new List<double>();
            var later = new List<double>();
            var usedNodes = new HashSet<string>();
            foreach (var id in ids)
            {
                var run = await queries.GetAsync(id, ct);
                var previous = run.CreatedAt;
                foreach (var attempt in (await queries.JournalAsync(id, ct)).OrderBy(a => a.StartedAt))
                {
                    var ms = (attempt.EndedAt!.Value - previous).TotalMilliseconds;
                    all.Add(ms);
                    (previous == run.CreatedAt ? first : later).Add(ms);
                    previous = attempt.EndedAt!.Value;
                    usedNodes.Add(attempt.Node);
                }
            }
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"servers={nodes.Count} nodes_used={usedNodes.Count} runs={ids.Count} steps={all.Count} in_flight={parse.GetValue(inFlight)} " +
                $"median_ms={Percentile(all, 0.5):0.0} p95_ms={Percentile(all, 0.95):0.0} " +
                $"first_step_median_ms={Percentile(first, 0.5):0.0} first_step_p95_ms={Percentile(first, 0.95):0.0} " +
                $"later_step_median_ms={Percentile(later, 0.5):0.0} later_step_p95_ms={Percentile(later, 0.95):0.0} " +
                $"steps_per_s={all.Count / wall.Elapsed.TotalSeconds:0.0}"));
            return ExitCodes.Success;
        });
        return new Command("bench", "Benchmarks (used by scripts/bench).") { Hidden = true, Subcommands = { engine, Pickup() } };
    }

    /// <summary>
    /// `bench pickup`: how long an idle server takes to notice work another process gave it. Starts
    /// runs of a one-step definition from this process, one at a time with the server idle in
    /// between; each measure is the start of the run's first step minus the run's creation. With
    /// --api, the work is an approval given through the server's HTTP API to a run waiting at a
    /// gate before its first step: the step's start minus the approval's audit record.
    /// </summary>
    private static Command Pickup()
    {
        var definition = new Option<string>("--definition") { Description = "A definition of one no-op step (with a gate before it, for --approve-via).", DefaultValueFactory = _ => "bench-pickup" };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 5 };
        var idle = new Option<double>("--idle-seconds") { Description = "How long the server is left idle before each run.", DefaultValueFactory = _ => 2 };
        var api = new Option<string?>("--approve-via") { Description = "The server's API address: approve each run's gate there (token in LEOPASS_BENCH_TOKEN)." };
        var command = new Command("pickup", "Time from a run's creation (or its approval) to the start of its first step, on an idle server.") { definition, runs, idle, api };
        command.SetActionWithoutHost(async (output, parse, ct) =>
        {
            await using var node = await RunningNode.StartAsync(NodeRole.Client, parse.GetValue(CommonOptions.Verbose), ct);
            if ((await node.Get<ClusterNodes>().LiveAsync(ct)).Count == 0) throw new InvalidRunRequestException("no server is up: start `leopass-recovery server` first");
            var operations = node.Get<RunOperations>();
            var queries = node.Get<RunQueries>();
            using var http = parse.GetValue(api) is { } address ? new HttpClient { BaseAddress = new Uri(address) } : null;
            http?.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
                node.Get<Microsoft.Extensions.Configuration.IConfiguration>()["LEOPASS_BENCH_TOKEN"] ?? throw new InvalidRunRequestException("--approve-via needs LEOPASS_BENCH_TOKEN"));
            var measures = new List<double>();
            for (var i = 0; i < parse.GetValue(runs); i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(parse.GetValue(idle)), ct);
                var run = await operations.StartAsync(new StartRunRequest(parse.GetValue(definition)!, new Dictionary<string, string>(), "bench"), ct);
                var from = run.CreatedAt;
                if (http is not null)
                {
                    var waiting = await SettledAsync(queries, run.Id, ct);
                    if (waiting.State != RunState.WaitingForApproval) throw new InvalidRunRequestException($"run {run.Id} is {waiting.State}: --approve-via needs a gate before the first step");
                    await Task.Delay(TimeSpan.FromSeconds(parse.GetValue(idle)), ct);
                    using var answer = await http.PostAsJsonAsync($"/api/runs/{run.Id}/approve", new { step = waiting.Steps[0].StepId, note = "bench" }, ct);
                    answer.EnsureSuccessStatusCode();
                    from = (await queries.AuditAsync(run.Id, ct)).Last(a => a.Action == "gate.approve").At;
                }
                var settled = await SettledAsync(queries, run.Id, ct);
                if (settled.State != RunState.Succeeded) throw new InvalidRunRequestException($"run {run.Id} ended {settled.State}");
                var firstStep = (await queries.JournalAsync(run.Id, ct)).OrderBy(a => a.StartedAt).First();
                measures.Add((firstStep.StartedAt - from).TotalMilliseconds);
            }
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"pickup={(http is null ? "new-run" : "api-approval")} runs={measures.Count} median_ms={Percentile(measures, 0.5):0.0} max_ms={measures.Max():0.0} all_ms={string.Join(",", measures.Select(m => m.ToString("0.0", CultureInfo.InvariantCulture)))}"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<Run> SettledAsync(RunQueries queries, long runId, CancellationToken ct)
    {
        while (true)
        {
            var run = await queries.GetAsync(runId, ct);
            if (run.State is RunState.Succeeded or RunState.Halted or RunState.Aborted or RunState.WaitingForApproval) return run;
            await Task.Delay(10, ct);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
