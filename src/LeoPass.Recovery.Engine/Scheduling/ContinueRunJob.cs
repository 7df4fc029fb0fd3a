using System.Globalization;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Nodes;
using Microsoft.Extensions.Logging;
using Quartz;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>
/// The Quartz job that continues one run on this node. It requests recovery, so when the node
/// executing it dies Quartz fires it again on another node, which takes the run over and re-runs
/// the interrupted step as a new attempt.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ContinueRunJob(RunExecutor executor, RunLocks locks, IRunDispatcher dispatcher, ILogger<ContinueRunJob> logger) : IJob
{
    public const string Group = "runs";
    public const string RunIdKey = "runId";

    /// <summary>How long to wait before trying again when another process holds the run's lock.</summary>
    private static readonly TimeSpan LockBusyRetry = TimeSpan.FromSeconds(2);

    public static JobKey KeyFor(long runId) => new($"run-{runId}", Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var runId = long.Parse(context.MergedJobDataMap.GetString(RunIdKey)!, CultureInfo.InvariantCulture);
        await using var handle = await locks.TryAcquireAsync(runId, cancellationToken);
        if (handle is null)
        {
            // Another process executes the run right now (its job was recovered here while it was
            // still alive, or a CLI node holds it). Look again later rather than drop the run:
            // if that process dies without a recoverable job, this is what continues the run.
            logger.LogInformation("run {RunId} is held by another node; looking again in {Delay}", runId, LockBusyRetry);
            await dispatcher.DispatchAsync(runId, LockBusyRetry, CancellationToken.None);
            return;
        }
        // Not handle.HandleLostToken: watching for loss keeps a pg_sleep running on the lock's
        // connection, and a busy backend does not notice its client died, so a killed node would
        // keep the lock until the sleep ends. Losing the lock is covered by fencing instead.
        var result = await executor.ExecuteAsync(runId, cancellationToken);
        logger.LogInformation("run {RunId}: {Result}{Recovering}", runId, result, context.Recovering ? " (recovered from a failed node)" : "");
        if (result == RunExecutionResult.Interrupted && cancellationToken.IsCancellationRequested)
        {
            // This node is shutting down mid-step. Ending by the shutdown's own cancellation makes
            // Quartz hand the firing back (RecoverFiringsCancelledByShutdown): it stores a recovery
            // trigger in the completion's transaction, and another node — or this one when it comes
            // back — continues the run. A dispatch from here would race the closing scheduler.
            throw new OperationCanceledException($"run {runId}: node shutting down, run handed back to the cluster", cancellationToken);
        }
        if (result == RunExecutionResult.Interrupted)
        {
            // Interrupted without this node stopping: hand the run to the cluster.
            try
            {
                await dispatcher.DispatchAsync(runId, TimeSpan.Zero, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "run {RunId}: could not hand the run over while shutting down; `run resume` or the next node start continues it", runId);
            }
        }
    }
}
