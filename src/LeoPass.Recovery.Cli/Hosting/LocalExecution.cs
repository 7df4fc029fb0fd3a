using LeoPass.Recovery.Engine.Nodes;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// A command's temporary node executing one run in this process, under the run's lock: no other
/// process executes it meanwhile (a server that is handed the run finds the lock held and looks
/// again later), and should this process die, the lock dies with it and a server continues the run
/// (<see cref="Engine.Scheduling.OrphanedRunSweep"/>). Ctrl+C is a person's decision, not a
/// crash: the step in progress is cancelled and cleaned up, and the run halts saying it was
/// interrupted (<see cref="ExecutionInterrupt"/>), so `run resume` continues it from that step.
/// </summary>
internal static class LocalExecution
{
    /// <param name="interrupted">Ctrl+C (or SIGTERM) in this command.</param>
    /// <returns>How far the execution got, or null when another process holds the run's lock.</returns>
    public static async Task<RunExecutionResult?> ExecuteAsync(RunningNode node, long runId, RunRecord? startedHeld, CancellationToken interrupted)
    {
        await using var handle = await node.Get<RunLocks>().TryAcquireAsync(runId, CancellationToken.None);
        if (handle is null) return null;
        var executor = node.Get<RunExecutor>();
        var interrupt = new ExecutionInterrupt(() => $"{StopSignals.Describe()} in the command executing it (node {node.Get<EngineOptions>().NodeId}); `run resume {runId}` continues from this step");
        return startedHeld is not null
            ? await executor.ExecuteLeasedAsync(startedHeld, interrupted, interrupt)
            : await executor.ExecuteAsync(runId, interrupted, interrupt);
    }
}
