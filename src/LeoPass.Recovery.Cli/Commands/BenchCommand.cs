using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LeoPass.Recovery.Cli.Hosting;
using LeoPass.Recovery.Cli.Output;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
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
        engine.SetAction((parse, ct) => CliErrors.GuardAsync(async () =>
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
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"servers={nodes.Count} nodes_used={usedNodes.Count} runs={ids.Count} steps={all.Count} in_flight={parse.GetValue(inFlight)} " +
                $"median_ms={Percentile(all, 0.5):0.0} p95_ms={Percentile(all, 0.95):0.0} " +
                $"first_step_median_ms={Percentile(first, 0.5):0.0} first_step_p95_ms={Percentile(first, 0.95):0.0} " +
                $"later_step_median_ms={Percentile(later, 0.5):0.0} later_step_p95_ms={Percentile(later, 0.95):0.0} " +
                $"steps_per_s={all.Count / wall.Elapsed.TotalSeconds:0.0}"));
            return 0;
        }));
        return new Command("bench", "Benchmarks (used by scripts/bench).") { Hidden = true, Subcommands = { engine } };
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
