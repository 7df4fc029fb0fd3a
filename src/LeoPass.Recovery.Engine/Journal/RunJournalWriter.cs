using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// Every write the executor makes, each its own committed transaction, each fenced: the run row
/// is locked (SELECT … FOR UPDATE) and the write proceeds only while the run's lease token is the
/// one this node took. A node that lost the run (it stalled, the cluster declared it dead and
/// another node took over) gets <see cref="RunOwnershipLostException"/> and writes nothing.
/// Writes use no cancellation token on purpose: the end of a cancelled attempt must still be
/// journaled.
/// </summary>
public sealed class RunJournalWriter(IDbContextFactory<EngineDbContext> dbFactory, TimeProvider time, NodeIdentity node, RunChanges changes)
{
    /// <summary>
    /// Takes the run over: Pending becomes Running, the lease token moves on (fencing out any
    /// previous holder) and attempts left Running by a dead node are marked Interrupted, their
    /// steps back to Pending. Null when the run is not Running (waiting, halted, finished).
    /// The returned steps are this node's working copy: while the run is Running and the lease
    /// is held, only this node changes them (every responder operation needs another run state).
    /// </summary>
    public Task<(RunLease Lease, List<StepRecord> Steps)?> TakeOverAsync(long runId) => TakeOverAsync(runId, undoingAbort: false);

    /// <summary>
    /// Takes an aborted run over to run its <c>onAbort.undo</c> steps, as <see cref="TakeOverAsync(long)"/>
    /// does a running one (an undo attempt cut off by a dead node is marked Interrupted and runs
    /// again). Null when the run is not aborted, or its undo already ended (<see cref="UndoEndedAction"/>).
    /// </summary>
    public Task<(RunLease Lease, List<StepRecord> Steps)?> TakeOverToUndoAsync(long runId) => TakeOverAsync(runId, undoingAbort: true);

    /// <summary>The audit action written when an aborted run's undo steps have all had their turn.</summary>
    public const string UndoEndedAction = "run.undo-ended";

    private async Task<(RunLease Lease, List<StepRecord> Steps)?> TakeOverAsync(long runId, bool undoingAbort)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var run = await LockAsync(db, runId);
        var now = time.GetUtcNow();
        if (undoingAbort)
        {
            if (run.State != RunState.Aborted || await db.Audit.AnyAsync(a => a.RunId == runId && a.Action == UndoEndedAction)) return null;
        }
        else
        {
            if (run.State == RunState.Pending)
            {
                RunTransitions.Apply(run, RunOperation.Start);
                run.StartedAt = now;
            }
            if (run.State != RunState.Running) return null;
        }
        run.LeaseToken++;
        var previousHolder = run.HolderNode;
        run.HolderNode = node.Id;
        run.UpdatedAt = now;
        var steps = await db.Steps.Where(s => s.RunId == runId).OrderBy(s => s.Position).ToListAsync();
        var dangling = await db.Attempts.Where(a => a.RunId == runId && a.Outcome == AttemptOutcome.Running).ToListAsync();
        foreach (var attempt in dangling)
        {
            attempt.Outcome = AttemptOutcome.Interrupted;
            attempt.EndedAt = now;
            attempt.Duration = now - attempt.StartedAt;
            attempt.Error = $"node {attempt.Node} stopped before the attempt ended (noticed by {node.Id} taking the run over)";
            var step = steps.Single(s => s.StepId == attempt.StepId);
            if (step.State == StepState.Running) StepTransitions.Apply(step, StepOperation.Interrupt);
            db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = "run.takeover", RunId = runId, StepId = attempt.StepId, Reason = $"attempt {attempt.Number} on {attempt.Node} was interrupted", Details = $"previous holder {previousHolder}" });
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        changes.Pulse();
        foreach (var step in steps) db.Entry(step).State = EntityState.Detached;
        var lease = new RunLease(run.Id, run.LeaseToken, node.Id, run.DefinitionVersionId, run.DefinitionId, run.DefinitionVersion,
            JsonNode.Parse(run.Parameters) as JsonObject ?? [], run.AutomaticRetries) { UndoingAbort = undoingAbort };
        return (lease, steps);
    }

    /// <summary>Commits the attempt row (started, node) before the activity runs.</summary>
    public Task<AttemptRecord> BeginAttemptAsync(RunLease lease, StepRecord step) => FencedAsync(lease, (db, run, now) =>
    {
        if (run.State != RunState.Running && !(lease.UndoingAbort && run.State == RunState.Aborted)) throw new RunNoLongerRunningException(run.Id, run.State.ToString());
        Track(db, step);
        StepTransitions.Apply(step, StepOperation.Start);
        step.Attempts++;
        step.StartedAt ??= now;
        step.Error = null;
        var attempt = new AttemptRecord
        {
            RunId = run.Id,
            StepId = step.StepId,
            Number = step.Attempts,
            Node = node.Id,
            StartedAt = now,
            Outcome = AttemptOutcome.Running,
            WaitingTime = step.UnattributedWaitingTime,
        };
        step.UnattributedWaitingTime = TimeSpan.Zero;
        db.Attempts.Add(attempt);
        return Task.FromResult(attempt);
    });

    public async Task RecordIntentAsync(RunLease lease, AttemptRecord attempt, string note)
    {
        await FencedAsync(lease, async (db, _, _) =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE engine.attempts SET intents = array_append(intents, {note}) WHERE id = {attempt.Id}");
            return true;
        });
        // The working copy too: its end may be written as a whole row later.
        attempt.Intents.Add(note);
    }

    /// <summary>
    /// Commits the attempt's end (ended, duration, outcome, error, output) and moves the step:
    /// Succeeded (or WaitingForApproval when the step has an after-gate), Failed, or back to
    /// Pending when the attempt was interrupted by this node's shutdown.
    /// </summary>
    /// <remarks>
    /// A success that needs no gate is not written on its own: it is applied to the working copy
    /// now, with this instant as its end, and written in the same transaction as whatever this
    /// node writes next — normally the start of the next step, which follows within
    /// milliseconds. That halves the transactions per step; a crash in between loses no more
    /// than a crash just before a separate commit would (the step runs again as a new attempt).
    /// </remarks>
    public Task EndAttemptAsync(RunLease lease, StepRecord step, AttemptRecord attempt, AttemptOutcome outcome, string? error, string? output, string? gateAfter)
    {
        if (outcome == AttemptOutcome.Succeeded && gateAfter is null)
        {
            var now = time.GetUtcNow();
            attempt.EndedAt = now;
            attempt.Duration = now - attempt.StartedAt;
            attempt.Outcome = outcome;
            attempt.Output = output;
            StepTransitions.Apply(step, StepOperation.Succeed);
            step.EndedAt = now;
            step.Output = output;
            lease.PendingWrites.Add(attempt);
            lease.PendingWrites.Add(step);
            return Task.CompletedTask;
        }
        return FencedAsync(lease, (db, run, now) =>
        {
            Track(db, attempt);
            Track(db, step);
            attempt.EndedAt = now;
            attempt.Duration = now - attempt.StartedAt;
            attempt.Outcome = outcome;
            attempt.Error = error;
            attempt.Output = output;
            switch (outcome)
            {
                case AttemptOutcome.Succeeded when gateAfter is not null && run.State == RunState.Running:
                    StepTransitions.Apply(step, StepOperation.WaitForApproval);
                    step.GatePhase = GatePhase.After;
                    step.WaitingSince = now;
                    step.Output = output;
                    RunTransitions.Apply(run, RunOperation.WaitForApproval);
                    // Like the gate before a step: the report reads when each wait began from the audit trail.
                    db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = "gate.wait", RunId = run.Id, StepId = step.StepId, Reason = gateAfter, Details = "after" });
                    break;
                case AttemptOutcome.Succeeded:
                    StepTransitions.Apply(step, StepOperation.Succeed);
                    step.EndedAt = now;
                    step.Output = output;
                    break;
                case AttemptOutcome.Interrupted or AttemptOutcome.InputUnavailable:
                    StepTransitions.Apply(step, StepOperation.Interrupt);
                    break;
                default:
                    StepTransitions.Apply(step, StepOperation.Fail);
                    step.Error = error;
                    break;
            }
            return Task.FromResult(true);
        });
    }

    /// <summary>
    /// A succeeded step whose output a later step cannot use here goes back to Pending (its
    /// attempts stay in the journal), so it runs again as a new attempt; audited with the reason.
    /// </summary>
    public Task RewindAsync(RunLease lease, StepRecord step, string reason) => FencedAsync(lease, (db, run, now) =>
    {
        Track(db, step);
        StepTransitions.Apply(step, StepOperation.Rewind);
        step.Output = null;
        step.EndedAt = null;
        db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = "step.rewind", RunId = run.Id, StepId = step.StepId, Reason = reason });
        return Task.FromResult(true);
    });

    public Task SkipDisabledAsync(RunLease lease, StepRecord step) => SkipAsync(lease, step, "disabled in definition");

    /// <summary>The engine passes over a step, saying why (disabled; an undo step with nothing to undo).</summary>
    public Task SkipAsync(RunLease lease, StepRecord step, string reason) => FencedAsync(lease, (db, run, now) =>
    {
        Track(db, step);
        StepTransitions.Apply(step, StepOperation.Skip);
        step.SkipReason = reason;
        step.StartedAt ??= now;
        step.EndedAt = now;
        return Task.FromResult(true);
    });

    /// <summary>An undo step the abort found waiting at its gate before it: the abort is the decision, so the gate opens (audited) and the step can start.</summary>
    public Task OpenGateForUndoAsync(RunLease lease, StepRecord step) => FencedAsync(lease, (db, run, now) =>
    {
        Track(db, step);
        StepTransitions.Apply(step, StepOperation.Approve);
        step.BeforeGateApproved = true;
        db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = "gate.opened-by-abort", RunId = run.Id, StepId = step.StepId, Reason = "an undo step of the abort runs without its gate" });
        return Task.FromResult(true);
    });

    /// <summary>Every undo step of an aborted run has had its turn: the audit record says how each ended, and the undo is not taken up again.</summary>
    public Task UndoEndedAsync(RunLease lease, string outcomes) => FencedAsync(lease, (db, run, now) =>
    {
        db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = UndoEndedAction, RunId = run.Id, Reason = outcomes });
        return Task.FromResult(true);
    });

    public Task WaitAtGateBeforeAsync(RunLease lease, StepRecord step, string question) => FencedAsync(lease, (db, run, now) =>
    {
        Track(db, step);
        StepTransitions.Apply(step, StepOperation.WaitForApproval);
        step.GatePhase = GatePhase.Before;
        step.WaitingSince = now;
        RunTransitions.Apply(run, RunOperation.WaitForApproval);
        db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = "gate.wait", RunId = run.Id, StepId = step.StepId, Reason = question });
        return Task.FromResult(true);
    });

    /// <summary>The step failed past its retries: the run halts with a reason a responder can act on.</summary>
    /// <param name="stepId">The step the run halted at: the report counts the time until a responder acts as that step's halted time.</param>
    public Task HaltAsync(RunLease lease, string reason, string? stepId = null) => FencedAsync(lease, (db, run, now) =>
    {
        if (run.State != RunState.Running) return Task.FromResult(false);
        RunTransitions.Apply(run, RunOperation.Halt);
        run.HaltReason = reason;
        db.Audit.Add(new AuditRecord { At = now, Who = $"node:{node.Id}", Action = "run.halt", RunId = run.Id, StepId = stepId, Reason = reason });
        return Task.FromResult(true);
    });

    public Task CompleteAsync(RunLease lease) => FencedAsync(lease, (db, run, now) =>
    {
        RunTransitions.Apply(run, RunOperation.Complete);
        run.EndedAt = now;
        run.HaltReason = null;
        return Task.FromResult(true);
    });

    public async Task<RunRecord> ReadAsync(long runId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Runs.AsNoTracking().Include(r => r.Steps).SingleAsync(r => r.Id == runId);
    }

    /// <summary>The run's state and lease as committed now (for the abort watch).</summary>
    public async Task<(RunState State, long LeaseToken)> PeekAsync(long runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.State, r.LeaseToken }).SingleAsync(cancellationToken);
        return (row.State, row.LeaseToken);
    }

    private async Task<T> FencedAsync<T>(RunLease lease, Func<EngineDbContext, RunRecord, DateTimeOffset, Task<T>> write)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var run = await LockAsync(db, lease.RunId);
        if (run.LeaseToken != lease.Token) throw new RunOwnershipLostException(lease.RunId, lease.Token, run.LeaseToken, run.HolderNode);
        var now = time.GetUtcNow();
        foreach (var pending in lease.PendingWrites) db.Update(pending);
        var result = await write(db, run, now);
        run.UpdatedAt = now;
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        changes.Pulse();
        lease.PendingWrites.Clear();
        db.ChangeTracker.Clear();
        return result;
    }

    /// <summary>Writes what <see cref="EndAttemptAsync"/> deferred, when no other write follows (the execution stops).</summary>
    public Task FlushAsync(RunLease lease) =>
        lease.PendingWrites.Count == 0 ? Task.CompletedTask : FencedAsync(lease, (_, _, _) => Task.FromResult(true));

    private static void Track<T>(EngineDbContext db, T entity) where T : class
    {
        if (db.Entry(entity).State == EntityState.Detached) db.Attach(entity);
    }

    /// <summary>Locks the run row for the transaction and loads it, in one round trip.</summary>
    internal static async Task<RunRecord> LockAsync(EngineDbContext db, long runId)
    {
        RunRecord? run = null;
        // Not composed further (no subquery around FOR UPDATE): EF sends the SQL as written.
        await foreach (var row in db.Runs.FromSqlInterpolated($"SELECT * FROM engine.runs WHERE id = {runId} FOR UPDATE").AsAsyncEnumerable())
        {
            run = row;
        }
        return run ?? throw new InvalidOperationException($"run {runId} does not exist");
    }
}
