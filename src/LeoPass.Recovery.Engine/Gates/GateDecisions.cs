using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Gates;

/// <summary>
/// What a person's decision at an approval gate does to a step, and how the time the step waited
/// for it is counted: a wait before a step belongs to the attempt that follows (it is not known
/// yet), a wait after a step to the attempt it followed; neither is ever work time. Called inside
/// the locked transaction of <see cref="Execution.RunOperations"/>.
/// </summary>
/// <remarks>
/// Rejecting halts the run (it does not abort it), so a responder can still retry, skip or abort:
/// at 3 a.m. "not yet" is more common than "never".
/// </remarks>
public static class GateDecisions
{
    /// <summary>Before the step: the step starts. After it: the step is complete.</summary>
    public static async Task ApproveAsync(EngineDbContext db, RunRecord run, StepRecord step, DateTimeOffset now)
    {
        if (!RunTransitions.CanApply(run, RunOperation.Approve)) throw RunTransitions.Refusal(run.Id, run.State, RunOperation.Approve);
        if (!StepTransitions.CanApply(step, StepOperation.Approve)) throw StepTransitions.Refusal(step, step.State, StepOperation.Approve);
        var waited = CloseWait(step, now);
        if (step.GatePhase == GatePhase.Before)
        {
            step.BeforeGateApproved = true;
            step.UnattributedWaitingTime += waited;
        }
        else
        {
            await AttributeToLastAttemptAsync(db, step, waited);
            step.EndedAt = now;
        }
        StepTransitions.Apply(step, StepOperation.Approve);
        RunTransitions.Apply(run, RunOperation.Approve);
    }

    /// <summary>The step fails and the run halts, waiting for a responder's retry, skip or abort.</summary>
    public static async Task RejectAsync(EngineDbContext db, RunRecord run, StepRecord step, string who, string note, DateTimeOffset now)
    {
        if (!RunTransitions.CanApply(run, RunOperation.Reject)) throw RunTransitions.Refusal(run.Id, run.State, RunOperation.Reject);
        if (!StepTransitions.CanApply(step, StepOperation.Reject)) throw StepTransitions.Refusal(step, step.State, StepOperation.Reject);
        var waited = CloseWait(step, now);
        if (step.GatePhase == GatePhase.Before) step.UnattributedWaitingTime += waited;
        else await AttributeToLastAttemptAsync(db, step, waited);
        var side = step.GatePhase == GatePhase.Before ? "before" : "after";
        StepTransitions.Apply(step, StepOperation.Reject);
        step.Error = $"rejected at the gate {side} the step by {who}: {note}";
        step.BeforeGateApproved = false;
        RunTransitions.Apply(run, RunOperation.Reject);
        run.HaltReason = $"step '{step.StepId}' was rejected at its gate by {who}: {note}";
    }

    /// <summary>Ends the step's current wait at a gate (also when the run is aborted while waiting); returns how long it waited.</summary>
    public static TimeSpan CloseWait(StepRecord step, DateTimeOffset now)
    {
        var waited = step.WaitingSince is { } since && now > since ? now - since : TimeSpan.Zero;
        step.WaitingTime += waited;
        step.WaitingSince = null;
        return waited;
    }

    private static async Task AttributeToLastAttemptAsync(EngineDbContext db, StepRecord step, TimeSpan waited)
    {
        var last = await db.Attempts.Where(a => a.RunId == step.RunId && a.StepId == step.StepId).OrderByDescending(a => a.Number).FirstOrDefaultAsync();
        if (last is not null) last.WaitingTime += waited;
    }
}
