using System.Text.Json.Nodes;
using System.Text;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Steps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>How far one execution of a run got before it returned.</summary>
public enum RunExecutionResult
{
    /// <summary>The run was not Running when this node looked (waiting, halted, finished).</summary>
    NothingToDo,
    Succeeded,
    WaitingForApproval,
    Halted,
    Aborted,
    /// <summary>Another node took the run over; this one stopped without writing.</summary>
    LostOwnership,
    /// <summary>
    /// Stopped by <c>stopping</c>: the attempt was journaled as Interrupted; the run was left for
    /// another node (the node shuts down) or, for an <see cref="ExecutionInterrupt"/>, halted with its reason.
    /// </summary>
    Interrupted,
}

/// <summary>
/// Executes a run from where it stands, step by step, on this node. The caller (the Quartz job)
/// holds the run's advisory lock; the executor takes the run over (fencing out any earlier
/// holder), then for each step that is neither Succeeded nor Skipped: skips it if disabled, stops
/// at a before-gate, runs its attempts through the step's retry/timeout pipeline with a journal
/// row committed before and after each attempt, and stops at an after-gate. A failure past the
/// retries halts the run. Completed steps are never executed again.
/// </summary>
public sealed class RunExecutor(
    RunJournalWriter journal,
    DefinitionCatalog definitions,
    ActivityRegistry activities,
    IServiceScopeFactory scopes,
    ActiveRuns activeRuns,
    RunObservers observers,
    IEnumerable<IExecutionStoppedListener> stoppedListeners,
    TimeProvider time,
    EngineOptions options,
    EngineMetrics metrics,
    ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<RunExecutor>();
    private readonly IExecutionStoppedListener[] _stoppedListeners = stoppedListeners.ToArray();

    /// <param name="stopping">Fires when this node shuts down: the current attempt is interrupted and the run left for another node.</param>
    /// <param name="interrupt">When a person stops the execution rather than the node shutting down
    /// (Ctrl+C in the command executing it): the run then halts with this reason instead of waiting
    /// for another node, and `resume` continues it from the interrupted step.</param>
    public async Task<RunExecutionResult> ExecuteAsync(long runId, CancellationToken stopping, ExecutionInterrupt? interrupt = null) =>
        await FinishAsync(runId, await journal.TakeOverAsync(runId) is var (lease, steps) ? await ExecuteCoreAsync(lease, steps, interrupt, stopping) : await UndoAfterAbortAsync(runId, stopping));

    /// <summary>
    /// Executes a run this node started already holding its lease (<see cref="RunOperations.StartHeldAsync"/>),
    /// without taking it over again. The caller holds the run's lock, as for <see cref="ExecuteAsync"/>.
    /// </summary>
    public async Task<RunExecutionResult> ExecuteLeasedAsync(RunRecord started, CancellationToken stopping, ExecutionInterrupt? interrupt = null)
    {
        if (started.HolderNode != options.NodeId || started.State != RunState.Running)
        {
            throw new InvalidOperationException($"run {started.Id} is {started.State}, held by {started.HolderNode ?? "nobody"}: this node ({options.NodeId}) does not hold its lease");
        }
        var lease = new RunLease(started.Id, started.LeaseToken, options.NodeId, started.DefinitionVersionId, started.DefinitionId, started.DefinitionVersion,
            JsonNode.Parse(started.Parameters) as JsonObject ?? [], started.AutomaticRetries);
        var steps = started.Steps.OrderBy(s => s.Position).ToList();
        return await FinishAsync(started.Id, await ExecuteCoreAsync(lease, steps, interrupt, stopping));
    }

    private async Task<RunExecutionResult> FinishAsync(long runId, RunExecutionResult result)
    {
        if (result is RunExecutionResult.Succeeded or RunExecutionResult.Halted or RunExecutionResult.WaitingForApproval)
        {
            var run = await journal.ReadAsync(runId);
            var waiting = run.Steps.FirstOrDefault(s => s.State is StepState.WaitingForApproval or StepState.Failed);
            await observers.NotifyAsync(run.Id, run.DefinitionId, run.DefinitionVersion, run.State, run.HaltReason, waiting?.StepId);
        }
        foreach (var listener in _stoppedListeners)
        {
            try
            {
                await listener.OnExecutionStoppedAsync(runId, result, CancellationToken.None);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "run {RunId}: {Listener} failed after the execution stopped ({Result})", runId, listener.GetType().Name, result);
            }
        }
        return result;
    }

    private async Task<RunExecutionResult> ExecuteCoreAsync(RunLease lease, List<StepRecord> steps, ExecutionInterrupt? interrupt, CancellationToken stopping)
    {
        var runId = lease.RunId;

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var registration = activeRuns.Register(runId, abort);
        using var watchStop = new CancellationTokenSource();
        var watch = WatchForAbortAsync(lease, abort, watchStop.Token);
        try
        {
            var definition = await definitions.GetVersionAsync(lease.DefinitionVersionId, CancellationToken.None);
            // Steps run again here because a later one could not use their output on this node:
            // a second request for the same step means running it again did not help.
            var rewound = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var next = steps.FirstOrDefault(s => s.State is not (StepState.Succeeded or StepState.Skipped));
                if (next is null)
                {
                    await journal.CompleteAsync(lease);
                    _logger.LogInformation("run {RunId} succeeded", runId);
                    return RunExecutionResult.Succeeded;
                }
                if (next.State != StepState.Pending)
                {
                    // A Running run has no failed or waiting step; finding one means another writer moved it: stop and let the state speak.
                    _logger.LogWarning("run {RunId}: step {StepId} is {State}; execution stops", runId, next.StepId, next.State);
                    return RunExecutionResult.NothingToDo;
                }
                if (stopping.IsCancellationRequested)
                {
                    // Stopped between steps (or before the first): no attempt is begun only to be cancelled.
                    return await InterruptedAsync(lease, next.StepId, interrupt);
                }
                var step = definition.Step(next.StepId);
                if (!step.Enabled)
                {
                    await journal.SkipDisabledAsync(lease, next);
                    continue;
                }
                if (step.GateBefore is { } gate && !next.BeforeGateApproved)
                {
                    await journal.WaitAtGateBeforeAsync(lease, next, gate.Question);
                    return RunExecutionResult.WaitingForApproval;
                }
                var outputs = steps.Where(s => s.State == StepState.Succeeded && s.Output is not null)
                    .ToDictionary(s => s.StepId, s => JsonNode.Parse(s.Output!) as JsonObject ?? []);
                var result = await RunStepAsync(lease, next, step, outputs, rewound, steps, interrupt, abort.Token, stopping);
                if (result is RunExecutionResult.Interrupted) return await InterruptedAsync(lease, next.StepId, interrupt);
                if (result is not null) return result.Value;
                if (next.State == StepState.WaitingForApproval) return RunExecutionResult.WaitingForApproval;
            }
        }
        catch (RunOwnershipLostException e)
        {
            _logger.LogWarning("{Message}", e.Message);
            return RunExecutionResult.LostOwnership;
        }
        catch (RunNoLongerRunningException)
        {
            return RunExecutionResult.Aborted;
        }
        finally
        {
            await StopWatchingAsync(lease, watchStop, watch);
        }
    }

    /// <summary>
    /// Ends the abort watch of an execution and writes what the journal deferred (an attempt's end).
    /// A lease lost meanwhile is only logged: the run is another node's now.
    /// </summary>
    private async Task StopWatchingAsync(RunLease lease, CancellationTokenSource watchStop, Task watch)
    {
        await watchStop.CancelAsync();
        await watch;
        try
        {
            await journal.FlushAsync(lease);
        }
        catch (RunOwnershipLostException e)
        {
            _logger.LogWarning("{Message}", e.Message);
        }
    }

    /// <summary>
    /// An aborted run whose definition lists <c>onAbort.undo</c> steps: runs each, in order, once —
    /// when the step it reverses was attempted and it has not succeeded itself — with no gate (the
    /// abort is the decision) and its usual retries, journaled like any attempt. One failing does
    /// not stop the next. Ends with an audit record of every outcome, after which the undo is done.
    /// </summary>
    private async Task<RunExecutionResult> UndoAfterAbortAsync(long runId, CancellationToken stopping)
    {
        var run = await journal.ReadAsync(runId);
        if (run.State != RunState.Aborted) return RunExecutionResult.NothingToDo;
        var definition = await definitions.GetVersionAsync(run.DefinitionVersionId, CancellationToken.None);
        if (definition.OnAbort.Undo.Count == 0) return RunExecutionResult.NothingToDo;
        if (await journal.TakeOverToUndoAsync(runId) is not var (lease, steps)) return RunExecutionResult.NothingToDo;

        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var watchStop = new CancellationTokenSource();
        var watch = WatchForAbortAsync(lease, lost, watchStop.Token);
        var outcomes = new List<string>();
        try
        {
            foreach (var stepId in definition.OnAbort.Undo)
            {
                var record = steps.Single(s => s.StepId == stepId);
                var step = definition.Step(stepId);
                var reverses = activities.Find(step.Activity)?.Descriptor.Undo;
                // Waiting after its gate means it already ran; waiting before it, it runs: the abort is the decision.
                if (record.State is StepState.Succeeded or StepState.Skipped || record is { State: StepState.WaitingForApproval, GatePhase: GatePhase.After } || !step.Enabled)
                {
                    outcomes.Add($"{stepId}: not run ({(step.Enabled ? record.State.ToString().ToLowerInvariant() : "disabled")})");
                    continue;
                }
                if (!steps.Any(s => s.Activity == reverses && s.Attempts > 0))
                {
                    await journal.SkipAsync(lease, record, $"nothing to undo after the abort: no step running {reverses} was attempted");
                    outcomes.Add($"{stepId}: nothing to undo");
                    continue;
                }
                if (record.State == StepState.WaitingForApproval) await journal.OpenGateForUndoAsync(lease, record);
                var outputs = steps.Where(s => s.State == StepState.Succeeded && s.Output is not null)
                    .ToDictionary(s => s.StepId, s => JsonNode.Parse(s.Output!) as JsonObject ?? []);
                var result = await RunStepAsync(lease, record, step with { GateAfter = null }, outputs, [], steps, interrupt: null, lost.Token, stopping);
                if (result is RunExecutionResult.Interrupted) return RunExecutionResult.Interrupted;
                if (lost.IsCancellationRequested) return RunExecutionResult.LostOwnership;
                outcomes.Add(record.State == StepState.Succeeded ? $"{stepId}: succeeded" : $"{stepId}: {record.State.ToString().ToLowerInvariant()}: {record.Error}");
            }
            await journal.UndoEndedAsync(lease, string.Join("; ", outcomes));
            _logger.LogInformation("run {RunId}: undo after the abort ended: {Outcomes}", runId, string.Join("; ", outcomes));
            return RunExecutionResult.Aborted;
        }
        catch (RunOwnershipLostException e)
        {
            _logger.LogWarning("{Message}", e.Message);
            return RunExecutionResult.LostOwnership;
        }
        finally
        {
            await StopWatchingAsync(lease, watchStop, watch);
        }
    }

    /// <summary>
    /// The execution was stopped. A node shutting down leaves the run Running for another node; a
    /// person's interrupt halts it with the reason (the interrupted step is Pending again, so
    /// `resume` continues there), through the same halt a failed step takes.
    /// </summary>
    private async Task<RunExecutionResult> InterruptedAsync(RunLease lease, string stepId, ExecutionInterrupt? interrupt)
    {
        if (interrupt is not null)
        {
            await journal.HaltAsync(lease, $"interrupted at step '{stepId}': {interrupt.Reason()}", stepId);
            _logger.LogWarning("run {RunId} interrupted at step {StepId}: {Reason}", lease.RunId, stepId, interrupt.Reason());
        }
        return RunExecutionResult.Interrupted;
    }

    /// <summary>Null when the step succeeded and the run goes on; otherwise why the execution stops.</summary>
    private async Task<RunExecutionResult?> RunStepAsync(RunLease lease, StepRecord record, StepDefinition step, IReadOnlyDictionary<string, JsonObject> outputs,
        HashSet<string> rewound, List<StepRecord> steps, ExecutionInterrupt? interrupt, CancellationToken abort, CancellationToken stopping)
    {
        var registration = activities.Find(step.Activity);
        if (registration is null)
        {
            await journal.HaltAsync(lease, $"step '{step.Id}': activity type '{step.Activity}' is not registered on node {lease.Node}", step.Id);
            return RunExecutionResult.Halted;
        }
        var pipeline = StepPipelines.Build(lease.AutomaticRetries ? step : step with { Retry = RetryPolicy.None }, time, e => IsRetryable(e, abort));
        try
        {
            await pipeline.ExecuteAsync(async token => await AttemptAsync(lease, record, step, registration, outputs, interrupt, token, abort, stopping), abort);
            return null;
        }
        catch (Exception e) when (e is RunOwnershipLostException or RunNoLongerRunningException)
        {
            throw;
        }
        catch (StepInputUnavailableException e) when (steps.FirstOrDefault(s => s.StepId == e.StepId && s.Position < record.Position && s.State == StepState.Succeeded) is { } producer
                                                      && rewound.Add(producer.StepId))
        {
            // The loop then finds the producer Pending, runs it again here, and comes back to this step.
            await journal.RewindAsync(lease, producer, $"step '{step.Id}' cannot use its output on node {lease.Node}: {e.Reason}; it runs again here");
            return null;
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            return RunExecutionResult.Interrupted;
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            return RunExecutionResult.Aborted;
        }
        catch (Exception e)
        {
            await journal.HaltAsync(lease, $"step '{step.Id}' failed after {record.Attempts} attempt(s): {Describe(e, step)}", step.Id);
            return RunExecutionResult.Halted;
        }
    }

    private async Task AttemptAsync(RunLease lease, StepRecord record, StepDefinition step, ActivityRegistration registration, IReadOnlyDictionary<string, JsonObject> outputs, ExecutionInterrupt? interrupt, CancellationToken attemptToken, CancellationToken abort, CancellationToken stopping)
    {
        var attempt = await journal.BeginAttemptAsync(lease, record);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var activity = (IActivity)scope.ServiceProvider.GetRequiredService(registration.ImplementationType);
            var identity = new ActivityAttemptIdentity(lease.RunId, lease.DefinitionId, lease.DefinitionVersion, step.Id, attempt.Number, lease.Node);
            var parameters = new ActivityParameters(step.Id, ParameterBinder.Bind(registration.Descriptor, step, lease.Parameters, outputs));
            var context = new ActivityContext(
                identity,
                parameters,
                outputs,
                (note, _) => journal.RecordIntentAsync(lease, attempt, note),
                loggers.CreateLogger($"LeoPass.Recovery.Activity.{registration.Descriptor.Type}"),
                time,
                scope.ServiceProvider);
            var result = await activity.ExecuteAsync(context, attemptToken);
            var output = result.Output.ToJsonString();
            if (Encoding.UTF8.GetByteCount(output) > ActivityResult.MaxOutputBytes)
            {
                throw new ActivityFailedException($"the output of step '{step.Id}' is {Encoding.UTF8.GetByteCount(output)} bytes; at most {ActivityResult.MaxOutputBytes} are kept in the journal", retryable: false);
            }
            await journal.EndAttemptAsync(lease, record, attempt, AttemptOutcome.Succeeded, null, output, step.GateAfter?.Question);
            metrics.RecordAttempt(lease.DefinitionId, step.Id, nameof(AttemptOutcome.Succeeded), attempt.Duration ?? TimeSpan.Zero);
        }
        catch (Exception e) when (e is not (RunOwnershipLostException or RunNoLongerRunningException))
        {
            var outcome = stopping.IsCancellationRequested ? AttemptOutcome.Interrupted
                : abort.IsCancellationRequested ? AttemptOutcome.Cancelled
                : e is StepInputUnavailableException ? AttemptOutcome.InputUnavailable
                : attemptToken.IsCancellationRequested && e is OperationCanceledException ? AttemptOutcome.TimedOut
                : AttemptOutcome.Failed;
            var message = outcome switch
            {
                AttemptOutcome.Interrupted => interrupt is null ? $"node {lease.Node} shut down during the attempt" : $"interrupted on node {lease.Node}: {interrupt.Reason()}",
                AttemptOutcome.Cancelled => "cancelled: the run was aborted",
                AttemptOutcome.TimedOut => $"timed out after {IsoDuration.Format(step.Timeout ?? TimeSpan.Zero)}",
                _ => e.Message,
            };
            _logger.LogWarning("run {RunId} step {StepId} attempt {Attempt}: {Outcome}: {Message}", lease.RunId, step.Id, attempt.Number, outcome, message);
            await journal.EndAttemptAsync(lease, record, attempt, outcome, message, null, step.GateAfter?.Question);
            metrics.RecordAttempt(lease.DefinitionId, step.Id, outcome.ToString(), attempt.Duration ?? TimeSpan.Zero);
            throw;
        }
    }

    private static bool IsRetryable(Exception e, CancellationToken abort) =>
        !abort.IsCancellationRequested && e switch
        {
            RunOwnershipLostException or RunNoLongerRunningException or StepInputUnavailableException => false,
            ActivityFailedException failed => failed.Retryable,
            _ => true,
        };

    private static string Describe(Exception e, StepDefinition step) => e switch
    {
        TimeoutRejectedException => $"timed out after {IsoDuration.Format(step.Timeout ?? TimeSpan.Zero)}",
        _ => e.Message,
    };

    /// <summary>Polls the run's state so an abort (or a take-over) issued on another node cancels the activity here.</summary>
    private async Task WatchForAbortAsync(RunLease lease, CancellationTokenSource abort, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && !abort.IsCancellationRequested)
            {
                await Task.Delay(options.AbortPollInterval, time, stop);
                var (state, token) = await journal.PeekAsync(lease.RunId, stop);
                // An undo runs because the run is aborted: only a take-over stops it.
                if ((state == RunState.Aborted && !lease.UndoingAbort) || token != lease.Token)
                {
                    await abort.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped with the execution.
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "run {RunId}: abort watch stopped", lease.RunId);
        }
    }
}
