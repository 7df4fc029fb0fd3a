using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>What a stretch of a run's wall time was spent on.</summary>
public enum TimeBucket
{
    /// <summary>An attempt ran (succeeded, failed, timed out or was cancelled).</summary>
    Work,
    /// <summary>A step waited for a person at an approval gate.</summary>
    WaitingAtGate,
    /// <summary>The run was halted, waiting for a responder to retry, resume, skip or abort.</summary>
    Halted,
    /// <summary>An attempt was cut off — its node died or shut down — from its start until the step started again.</summary>
    LostToInterruptedNode,
}

/// <summary>One stretch of wall time, attributed to a step.</summary>
public readonly record struct TimeSpanOfRun(string StepId, TimeBucket Bucket, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The part of this stretch inside [from, to].</summary>
    public TimeSpan Within(DateTimeOffset from, DateTimeOffset to)
    {
        var start = From > from ? From : from;
        var end = To < to ? To : to;
        return end > start ? end - start : TimeSpan.Zero;
    }
}

/// <summary>
/// Splits a run's wall time into stretches from its journal and audit trail: attempts (work, or
/// lost when their node was interrupted — from the attempt's start until the step's next attempt
/// started: the time the dead node still held the step, the survivor noticing, its take-over), gate waits (from each <c>gate.wait</c> to the approval or
/// rejection), and halts (from <c>run.halt</c> or a rejection to the responder's retry, resume,
/// skip or abort). What no stretch covers is the engine's own overhead (dispatch, take-over,
/// journal writes). Why intervals and not the per-step totals: RTO ends at a step's end, and a
/// wait after that end (the gate after the reopen) must not count toward it.
/// </summary>
public static class RunTimeBuckets
{
    private static readonly HashSet<string> HaltEnds = ["run.retry", "run.resume", "run.skip", "run.abort"];

    public static IReadOnlyList<TimeSpanOfRun> Of(Run run, IReadOnlyList<Attempt> journal, IReadOnlyList<AuditEntry> audit, DateTimeOffset now)
    {
        var stretches = new List<TimeSpanOfRun>();
        foreach (var attempt in journal)
        {
            var end = attempt.EndedAt ?? now;
            if (attempt.Outcome == "Interrupted")
            {
                // Lost until the step starts again: the dead node's hold, the survivor noticing, and its take-over.
                var next = journal.Where(a => a.StepId == attempt.StepId && a.Number > attempt.Number).MinBy(a => a.Number);
                stretches.Add(new TimeSpanOfRun(attempt.StepId, TimeBucket.LostToInterruptedNode, attempt.StartedAt, next?.StartedAt ?? end));
                continue;
            }
            stretches.Add(new TimeSpanOfRun(attempt.StepId, TimeBucket.Work, attempt.StartedAt, end));
        }

        // Gate waits: each gate.wait closes at the next approve/reject of that step, or the run's abort.
        var gateSeconds = new Dictionary<string, TimeSpan>();
        for (var i = 0; i < audit.Count; i++)
        {
            if (audit[i].Action != "gate.wait" || audit[i].StepId is not { } stepId) continue;
            var close = audit.Skip(i + 1).FirstOrDefault(a => (a.StepId == stepId && a.Action is "gate.approve" or "gate.reject") || a.Action == "run.abort");
            var end = close?.At ?? (run.State == RunState.WaitingForApproval ? now : audit[i].At);
            stretches.Add(new TimeSpanOfRun(stepId, TimeBucket.WaitingAtGate, audit[i].At, end));
            gateSeconds[stepId] = gateSeconds.GetValueOrDefault(stepId) + (end - audit[i].At);
        }
        // Runs journaled before the gate after a step was audited: the rest of the step's recorded
        // wait was that gate, which closed when the step ended.
        foreach (var step in run.Steps)
        {
            var missing = step.WaitingTime - gateSeconds.GetValueOrDefault(step.StepId);
            if (missing > TimeSpan.FromMilliseconds(1) && step.EndedAt is { } ended)
            {
                stretches.Add(new TimeSpanOfRun(step.StepId, TimeBucket.WaitingAtGate, ended - missing, ended));
            }
        }

        // Halts: from run.halt (or a rejected gate) until a responder acts.
        for (var i = 0; i < audit.Count; i++)
        {
            if (audit[i].Action is not ("run.halt" or "gate.reject")) continue;
            var close = audit.Skip(i + 1).FirstOrDefault(a => HaltEnds.Contains(a.Action));
            var end = close?.At ?? (run.State == RunState.Halted ? now : audit[i].At);
            var stepId = audit[i].StepId ?? close?.StepId ?? run.Steps.FirstOrDefault(s => s.State == StepState.Failed)?.StepId
                ?? journal.Where(a => a.StartedAt <= audit[i].At).MaxBy(a => a.StartedAt)?.StepId ?? "";
            stretches.Add(new TimeSpanOfRun(stepId, TimeBucket.Halted, audit[i].At, end));
        }
        return stretches;
    }

    public static TimeSpan Sum(IEnumerable<TimeSpanOfRun> stretches, TimeBucket bucket, DateTimeOffset from, DateTimeOffset to) =>
        stretches.Where(s => s.Bucket == bucket).Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Within(from, to));
}
