using LeoPass.Recovery.Engine.Journal;
using Spectre.Console;

namespace LeoPass.Recovery.Cli.Commands;

/// <summary>Follows a run until it stops needing the engine alone: finished, halted or waiting for a person.</summary>
internal static class RunProgress
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    // When this process executes the run, its own journal writes wake the follower; the slow poll
    // only notices what other processes do (a responder's abort, another node taking over).
    private static readonly TimeSpan PollIntervalWhenExecutingHere = TimeSpan.FromSeconds(2);

    // How often a follower that executes nothing itself checks that some node still does.
    private static readonly TimeSpan ClusterCheckInterval = TimeSpan.FromSeconds(5);

    /// <param name="clusterIsEmpty">For a follower that is not a node: checked every few seconds;
    /// when it says no node is alive, following stops and returns null, so the caller can take the run over.</param>
    /// <param name="changesHere">This process's <see cref="RunChanges"/> when it is a node that executes runs, else null.</param>
    /// <returns>The settled run, or null when the cluster emptied first.</returns>
    /// <param name="output">With --json, following prints nothing: the settled run is the command's one JSON object.</param>
    public static async Task<Run?> FollowAsync(
        CliOutput output, RunQueries queries, long runId, Func<CancellationToken, Task<bool>>? clusterIsEmpty, RunChanges? changesHere, CancellationToken cancellationToken)
    {
        var quiet = output.Json;
        var tables = new RunTables(output);
        // A monotonic clock: a wall-clock step must not make a follower give up on a live node.
        var sinceClusterCheck = System.Diagnostics.Stopwatch.StartNew();
        async Task<bool> NobodyExecutesItAsync()
        {
            if (clusterIsEmpty is null || sinceClusterCheck.Elapsed < ClusterCheckInterval) return false;
            sinceClusterCheck.Restart();
            return await clusterIsEmpty(cancellationToken);
        }

        if (!quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            Run? last = null;
            var table = new Table();
            await AnsiConsole.Live(table).StartAsync(async context =>
            {
                while (true)
                {
                    var changed = changesHere?.Next;
                    last = await queries.GetAsync(runId, cancellationToken);
                    tables.FillStepTable(table, last);
                    context.Refresh();
                    if (IsSettled(last.State)) break;
                    if (await NobodyExecutesItAsync())
                    {
                        last = null;
                        break;
                    }
                    await WaitForChangeAsync(changed, cancellationToken);
                }
            });
            if (last is not null) tables.WriteOutcome(last);
            return last;
        }
        var seen = new Dictionary<string, (StepState, int)>();
        while (true)
        {
            var changed = changesHere?.Next;
            var run = await queries.GetAsync(runId, cancellationToken);
            if (!quiet)
            {
                foreach (var step in run.Steps)
                {
                    if (seen.TryGetValue(step.StepId, out var before) && before == (step.State, step.Attempts)) continue;
                    if (step.State == StepState.Pending && !seen.ContainsKey(step.StepId)) { seen[step.StepId] = (step.State, step.Attempts); continue; }
                    seen[step.StepId] = (step.State, step.Attempts);
                    output.Line($"{TimeProvider.System.GetLocalNow():HH:mm:ss} step {step.Position + 1}/{run.Steps.Count} {step.StepId}: {step.State}" +
                                      (step.Attempts > 1 ? $" (attempt {step.Attempts})" : "") +
                                      (step.State == StepState.Succeeded ? $" in {RunTables.Duration(step.WorkTime)}" : "") +
                                      (step.Error is { } e && step.State == StepState.Failed ? $": {e}" : ""));
                }
            }
            if (IsSettled(run.State))
            {
                if (!quiet) tables.WriteOutcome(run);
                return run;
            }
            if (await NobodyExecutesItAsync()) return null;
            await WaitForChangeAsync(changed, cancellationToken);
        }
    }

    private static async Task WaitForChangeAsync(Task? changedHere, CancellationToken cancellationToken)
    {
        if (changedHere is null)
        {
            await Task.Delay(PollInterval, cancellationToken);
            return;
        }
        try
        {
            await changedHere.WaitAsync(PollIntervalWhenExecutingHere, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time for the slow poll.
        }
    }

    private static bool IsSettled(RunState state) => state is RunState.Succeeded or RunState.Aborted or RunState.Halted or RunState.WaitingForApproval;
}
