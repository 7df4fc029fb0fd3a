using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Nodes;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Gates;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Signals;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// What people (CLI, API) and the scheduler do to runs. Each operation locks the run row, checks
/// the transition against the state machines (refusing with <see cref="IllegalTransitionException"/>),
/// writes the change and its audit record in one transaction, then asks the cluster to continue
/// the run where that is needed.
/// </summary>
/// <remarks>
/// A reason is required for skip, abort and reject; a note is optional for approve. What a gate
/// decision does to a step is <see cref="GateDecisions"/>'s.
/// </remarks>
public sealed class RunOperations(
    IDbContextFactory<EngineDbContext> dbFactory,
    DefinitionCatalog definitions,
    IRunDispatcher dispatcher,
    ActiveRuns activeRuns,
    RunObservers observers,
    TimeProvider time,
    StepSettingsCheck settingsCheck,
    RunSignals signals,
    IEnumerable<IRunStartCheck> startChecks)
{
    public Task<RunRecord> StartAsync(StartRunRequest request, CancellationToken cancellationToken = default) => StartAsync(request, null, cancellationToken);

    /// <summary>
    /// Starts a run that <paramref name="holder"/> executes itself at once (<see cref="RunExecutor.ExecuteLeasedAsync"/>,
    /// under the run's lock): created Running with its lease taken in the same transaction, nothing
    /// dispatched. If that process dies, a server's <see cref="Scheduling.OrphanedRunSweep"/> finds the
    /// run Running with its lock free and continues it. An idempotent repeat returns the earlier run
    /// as it stands, held by whoever holds it.
    /// </summary>
    public Task<RunRecord> StartHeldAsync(StartRunRequest request, RunHolder holder, CancellationToken cancellationToken = default) =>
        StartAsync(request, holder, cancellationToken);

    private async Task<RunRecord> StartAsync(StartRunRequest request, RunHolder? holder, CancellationToken cancellationToken)
    {
        var version = request.Version is { } v
            ? await definitions.FindVersionAsync(request.DefinitionId, v, cancellationToken)
            : await definitions.FindLatestAsync(request.DefinitionId, cancellationToken);
        if (version is null)
        {
            var known = (await definitions.ListLatestAsync(cancellationToken)).Select(d => d.DefinitionId).ToList();
            throw new NotFoundException($"no workflow definition '{request.DefinitionId}'{(request.Version is null ? "" : $" version {request.Version}")} is published (known: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }
        var definition = await definitions.GetVersionAsync(version.Id, cancellationToken);
        var parameters = BindRunParameters(definition, request.Parameters);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (request.IdempotencyKey is not null &&
            await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.IdempotencyKey == request.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier;
        }
        // The definition's own checks (a confirmation, the restore point) first, then every missing
        // setting of every enabled step, in one message.
        foreach (var check in startChecks) await check.CheckAsync(definition, parameters, cancellationToken);
        settingsCheck.Check(definition, parameters);
        var now = time.GetUtcNow();
        var run = new RunRecord
        {
            DefinitionVersionId = version.Id,
            DefinitionId = definition.Id,
            DefinitionVersion = definition.Version,
            Parameters = parameters.ToJsonString(),
            State = RunState.Pending,
            Trigger = request.Trigger,
            StartedBy = request.Who,
            IdempotencyKey = request.IdempotencyKey,
            AutomaticRetries = request.AutomaticRetries,
            CreatedAt = now,
            UpdatedAt = now,
            Steps = definition.Steps.Select((s, i) => new StepRecord
            {
                StepId = s.Id,
                Position = i,
                Title = s.Title,
                Activity = s.Activity,
                State = StepState.Pending,
            }).ToList(),
        };
        if (holder is not null)
        {
            RunTransitions.Apply(run, RunOperation.Start);
            run.StartedAt = now;
            run.LeaseToken = 1;
            run.HolderNode = holder.Node;
        }
        db.Runs.Add(run);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (request.IdempotencyKey is not null && e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same key won a race on another node: that run is the answer.
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await again.Runs.AsNoTracking().SingleAsync(r => r.IdempotencyKey == request.IdempotencyKey, cancellationToken);
        }
        db.Audit.Add(new AuditRecord { At = now, Who = request.Who, Action = "run.start", RunId = run.Id, Details = $"{definition.Id} v{definition.Version} ({request.Trigger}{(request.AutomaticRetries ? "" : ", no automatic retries")}) {parameters.ToJsonString()}" });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        if (holder is null) await dispatcher.DispatchAsync(run.Id, cancellationToken: cancellationToken);
        return run;
    }


    /// <summary>Re-runs the failed step of a halted run as a new attempt; earlier steps keep their attempts.</summary>
    public Task RetryAsync(long runId, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(runId, who, "run.retry", null, null, (db, run, _) =>
        {
            RunTransitions.Apply(run, RunOperation.Retry);
            var failed = run.Steps.FirstOrDefault(s => s.State == StepState.Failed)
                ?? throw new IllegalTransitionException($"run {run.Id}", "Halted with no failed step", "retry", ["Halted at a failed step"], ["resume", "abort"]);
            StepTransitions.Apply(failed, StepOperation.Retry);
            run.HaltReason = null;
            return (failed.StepId, true);
        }, cancellationToken);

    /// <summary>Continues a halted run from its first unfinished step (a failed step runs again).</summary>
    public Task ResumeAsync(long runId, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(runId, who, "run.resume", null, null, (db, run, _) =>
        {
            RunTransitions.Apply(run, RunOperation.Resume);
            foreach (var failed in run.Steps.Where(s => s.State == StepState.Failed)) StepTransitions.Apply(failed, StepOperation.Retry);
            run.HaltReason = null;
            return (null, true);
        }, cancellationToken);

    /// <summary>Marks a step of a halted run Skipped (never a completed one) and continues after it.</summary>
    public Task SkipAsync(long runId, string stepId, string reason, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(runId, who, "run.skip", stepId, Required(reason, "a reason is required to skip a step"), (db, run, _) =>
        {
            var step = FindStep(run, stepId);
            if (!RunTransitions.CanApply(run, RunOperation.Skip)) throw RunTransitions.Refusal(run.Id, run.State, RunOperation.Skip);
            if (!StepTransitions.CanApply(step, StepOperation.Skip)) throw StepTransitions.Refusal(step, step.State, StepOperation.Skip);
            RunTransitions.Apply(run, RunOperation.Skip);
            StepTransitions.Apply(step, StepOperation.Skip);
            step.SkipReason = $"{reason} (by {who})";
            run.HaltReason = null;
            return (stepId, true);
        }, cancellationToken);

    /// <summary>
    /// Ends the run for good; an attempt executing anywhere is cancelled. When the definition lists
    /// <c>onAbort.undo</c> steps, the run is dispatched once more so a node runs them (RunExecutor).
    /// </summary>
    public async Task AbortAsync(long runId, string reason, string who, CancellationToken cancellationToken = default)
    {
        long versionId = 0;
        await ChangeAsync(runId, who, "run.abort", null, Required(reason, "a reason is required to abort a run"), (db, run, now) =>
        {
            RunTransitions.Apply(run, RunOperation.Abort);
            run.EndedAt = now;
            run.HaltReason = $"aborted by {who}: {reason}";
            foreach (var waiting in run.Steps.Where(s => s.State == StepState.WaitingForApproval)) GateDecisions.CloseWait(waiting, now);
            versionId = run.DefinitionVersionId;
            return (null, false);
        }, cancellationToken);
        activeRuns.Cancel(runId);
        // The node executing it elsewhere cancels the attempt on this signal (its abort watch is the fallback).
        await signals.RunAbortedAsync(runId);
        if ((await definitions.GetVersionAsync(versionId, cancellationToken)).OnAbort.Undo.Count > 0)
        {
            // Its undo steps run on whichever node takes the dispatch.
            await dispatcher.DispatchAsync(runId, cancellationToken: cancellationToken);
        }
        await NotifyAsync(runId, null);
    }

    /// <summary>Opens the gate the step waits at: before it, the step starts; after it, the step is complete (<see cref="GateDecisions"/>).</summary>
    public Task ApproveAsync(long runId, string stepId, string? note, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(runId, who, "gate.approve", stepId, note, async (db, run, now) =>
        {
            await GateDecisions.ApproveAsync(db, run, FindStep(run, stepId), now);
            return (stepId, true);
        }, cancellationToken);

    /// <summary>Refuses the gate: the step fails and the run halts, waiting for a responder's retry, skip or abort.</summary>
    public async Task RejectAsync(long runId, string stepId, string note, string who, CancellationToken cancellationToken = default)
    {
        var reason = Required(note, "a note is required to reject a gate");
        await ChangeAsync(runId, who, "gate.reject", stepId, reason, async (db, run, now) =>
        {
            await GateDecisions.RejectAsync(db, run, FindStep(run, stepId), who, reason, now);
            return (stepId, false);
        }, cancellationToken);
        await NotifyAsync(runId, stepId);
    }

    private Task ChangeAsync(long runId, string who, string action, string? stepId, string? reason,
        Func<EngineDbContext, RunRecord, DateTimeOffset, (string? StepId, bool Dispatch)> change, CancellationToken cancellationToken) =>
        ChangeAsync(runId, who, action, stepId, reason, (db, run, now) => Task.FromResult(change(db, run, now)), cancellationToken);

    private async Task ChangeAsync(long runId, string who, string action, string? stepId, string? reason,
        Func<EngineDbContext, RunRecord, DateTimeOffset, Task<(string? StepId, bool Dispatch)>> change, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(who)) throw new InvalidRunRequestException("who is acting must be known for the audit trail");
        bool dispatch;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var run = await db.Runs.FromSqlInterpolated($"SELECT * FROM engine.runs WHERE id = {runId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException($"run {runId} does not exist");
            await db.Entry(run).Collection(r => r.Steps).LoadAsync(cancellationToken);
            run.Steps.Sort((a, b) => a.Position.CompareTo(b.Position));
            var now = time.GetUtcNow();
            var (changedStep, needsDispatch) = await change(db, run, now);
            run.UpdatedAt = now;
            db.Audit.Add(new AuditRecord { At = now, Who = who, Action = action, RunId = runId, StepId = changedStep ?? stepId, Reason = reason });
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            dispatch = needsDispatch;
        }
        if (dispatch) await dispatcher.DispatchAsync(runId, cancellationToken: cancellationToken);
    }

    private async Task NotifyAsync(long runId, string? stepId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
        await observers.NotifyAsync(run.Id, run.DefinitionId, run.DefinitionVersion, run.State, run.HaltReason, stepId);
    }

    private static StepRecord FindStep(RunRecord run, string stepId) =>
        run.Steps.FirstOrDefault(s => s.StepId == stepId)
        ?? throw new NotFoundException($"run {run.Id} has no step '{stepId}' (steps: {string.Join(", ", run.Steps.Select(s => s.StepId))})");

    private static string Required(string? text, string message) =>
        string.IsNullOrWhiteSpace(text) ? throw new InvalidRunRequestException(message) : text.Trim();

    internal static JsonObject BindRunParameters(WorkflowDefinition definition, IReadOnlyDictionary<string, string> given)
    {
        var unknown = given.Keys.Where(k => definition.Parameters.All(p => p.Name != k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidRunRequestException($"definition '{definition.Id}' declares no parameter {string.Join(", ", unknown.Select(u => $"'{u}'"))} (declared: {(definition.Parameters.Count == 0 ? "none" : string.Join(", ", definition.Parameters.Select(p => p.Name)))})");
        }
        var values = new JsonObject();
        foreach (var declared in definition.Parameters)
        {
            if (given.TryGetValue(declared.Name, out var value)) values[declared.Name] = value;
            else if (declared.Default is not null) values[declared.Name] = declared.Default.DeepClone();
            else if (declared.Required) throw new InvalidRunRequestException($"definition '{definition.Id}' requires parameter '{declared.Name}': {declared.Description}");
        }
        return values;
    }
}
