using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Nodes;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// A command's temporary node executing one run in this process, under the run's lock: no other
/// process executes it meanwhile (a server that is handed the run finds the lock held and looks
/// again later), and should this process die, the lock dies with it and a server continues the run
/// (<see cref="Engine.Scheduling.OrphanedRunSweep"/>). A run interrupted here (Ctrl+C) is left
/// Running for the same reason.
/// </summary>
internal static class LocalExecution
{
    /// <returns>How far the execution got, or null when another process holds the run's lock.</returns>
    public static async Task<RunExecutionResult?> ExecuteAsync(RunningNode node, long runId, RunRecord? startedHeld, CancellationToken cancellationToken)
    {
        await using var handle = await node.Get<RunLocks>().TryAcquireAsync(runId, CancellationToken.None);
        if (handle is null) return null;
        var executor = node.Get<RunExecutor>();
        return startedHeld is not null
            ? await executor.ExecuteLeasedAsync(startedHeld, cancellationToken)
            : await executor.ExecuteAsync(runId, cancellationToken);
    }
}
