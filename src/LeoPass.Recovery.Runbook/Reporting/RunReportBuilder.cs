using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Journal;

namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>
/// Builds a <see cref="RunReport"/> from the journal. RTO = wall time from the run's start
/// until the step that restores service ended — traffic reopened (when the reopen step ran) or
/// else validation passed (a drill, whose reopen is disabled) — never more than the run's wall
/// time; it is split into work, waiting at gates, halted, lost to interrupted nodes and engine
/// overhead (<see cref="RunTimeBuckets"/>). RPO = run start minus the restore point's snapshot start.
/// </summary>
public sealed class RunReportBuilder(RunQueries queries, RunLinks links, TimeProvider time)
{
    public const string ReopenActivity = "runbook.reopen-traffic";
    public const string ValidateActivity = "runbook.validate";
    public const string PitrValidateActivity = "pitr.validate";
    public const string DownloadActivity = "runbook.download-artefact";
    public const string PitrRestoreActivity = "pitr.restore";
    public const string MigrationsActivity = "runbook.run-migrations";
    public const string PostMortemActivity = "runbook.post-mortem";

    /// <param name="operatorNotes">The responder's notes (the post-mortem step's <c>notes</c>); when null, those the post-mortem step recorded.</param>
    public Task<RunReport> BuildAsync(long runId, string? operatorNotes = null, CancellationToken cancellationToken = default) =>
        BuildAsync(runId, operatorNotes, asTheRunEnds: false, cancellationToken);

    /// <summary>
    /// For the post-mortem step itself, while it runs: the report describes the run as it ends —
    /// the post-mortem's own attempt as succeeding now and the run as succeeded (when every other
    /// step is done) — so the SHIP_NOTES entry and the webhook agree with `run report` afterwards.
    /// </summary>
    public Task<RunReport> BuildAsTheRunEndsAsync(long runId, string? operatorNotes, CancellationToken cancellationToken) =>
        BuildAsync(runId, operatorNotes, asTheRunEnds: true, cancellationToken);

    private async Task<RunReport> BuildAsync(long runId, string? operatorNotes, bool asTheRunEnds, CancellationToken cancellationToken)
    {
        var run = await queries.GetAsync(runId, cancellationToken);
        var journal = await queries.JournalAsync(runId, cancellationToken);
        var audit = await queries.AuditAsync(runId, cancellationToken);
        var now = time.GetUtcNow();
        if (asTheRunEnds) (run, journal) = AsTheRunEnds(run, journal, now);
        var start = run.StartedAt ?? run.CreatedAt;
        var wallEnd = run.EndedAt ?? now;

        // An abort's undo steps (onAbort.undo) may reopen traffic after the abort: that restores nothing, so
        // only what succeeded before the abort counts.
        var abortedAt = run.State == RunState.Aborted ? audit.LastOrDefault(a => a.Action == "run.abort")?.At : null;
        bool BeforeAbort(Step s) => abortedAt is null || journal.Any(a => a.StepId == s.StepId && a.Outcome == "Succeeded" && a.EndedAt <= abortedAt);
        var reopen = run.Steps.FirstOrDefault(s => s.Activity == ReopenActivity && s.State == StepState.Succeeded && BeforeAbort(s));
        var validate = run.Steps.FirstOrDefault(s => s.Activity is ValidateActivity or PitrValidateActivity && s.State == StepState.Succeeded && BeforeAbort(s));
        var rtoStep = reopen ?? validate;
        var measuredUntil = reopen is not null ? "traffic reopened" : "validation passed";
        // Service is restored when the step's successful attempt ends; a gate after it comes later and does not count.
        DateTimeOffset? rtoEnd = rtoStep is null ? null
            : journal.Where(a => a.StepId == rtoStep.StepId && a.Outcome == "Succeeded" && a.EndedAt is not null && (abortedAt is null || a.EndedAt <= abortedAt)).MaxBy(a => a.Number)?.EndedAt;
        if (rtoEnd > wallEnd) rtoEnd = wallEnd;
        var rto = rtoEnd - start;

        var stretches = RunTimeBuckets.Of(run, journal, audit, now);
        double StepSeconds(string stepId, TimeBucket bucket) =>
            stretches.Where(x => x.StepId == stepId && x.Bucket == bucket).Sum(x => (x.To - x.From).TotalSeconds);

        var steps = run.Steps.Select(s =>
        {
            var attempts = journal.Where(a => a.StepId == s.StepId).OrderBy(a => a.Number)
                .Select(a => new ReportAttempt(a.Number, a.Node, a.StartedAt, a.EndedAt, a.Duration?.TotalSeconds, a.WaitingTime.TotalSeconds, a.Outcome, a.Error)).ToList();
            var work = StepSeconds(s.StepId, TimeBucket.Work);
            var lost = StepSeconds(s.StepId, TimeBucket.LostToInterruptedNode);
            var halted = StepSeconds(s.StepId, TimeBucket.Halted);
            var waiting = s.WaitingTime.TotalSeconds;
            var disabled = s.State == StepState.Skipped && s.SkipReason == "disabled in definition";
            var note = disabled ? "disabled in this definition" : s.SkipReason is { } reason ? $"skipped: {reason}" : s.Error;
            if (note is null && Output(s.Output)?["warning"]?.GetValue<string>() is { } warning) note = warning;
            return new ReportStep(s.Position + 1, s.StepId, s.Title, s.Activity, s.State, disabled, attempts.Count,
                Round(work), Round(waiting), Round(work + waiting + halted + lost),
                rtoStep is not null && s.Position <= rtoStep.Position, note, attempts, Round(halted), Round(lost));
        }).ToList();

        RtoBreakdown? breakdown = null;
        if (rtoEnd is { } until)
        {
            double Bucket(TimeBucket bucket) => RunTimeBuckets.Sum(stretches, bucket, start, until).TotalSeconds;
            var (work, waiting, halted, lost) = (Bucket(TimeBucket.Work), Bucket(TimeBucket.WaitingAtGate), Bucket(TimeBucket.Halted), Bucket(TimeBucket.LostToInterruptedNode));
            breakdown = new RtoBreakdown(Round(work), Round(waiting), Round(halted), Round(lost), Round(rto!.Value.TotalSeconds - work - waiting - halted - lost));
        }
        var overhead = breakdown?.OverheadSeconds;

        // The restore point: a dump's snapshot, or the moment a point-in-time restore proved it reached.
        var download = Output(run.Steps.FirstOrDefault(s => s.Activity is DownloadActivity or PitrRestoreActivity && s.State == StepState.Succeeded)?.Output);
        var restorePoint = download?["key"]?.GetValue<string>();
        DateTimeOffset? snapshot = download?["snapshotStartedAt"] is { } snap ? snap.GetValue<DateTimeOffset>() : null;
        var rpo = snapshot is { } at ? start - at : (TimeSpan?)null;
        var rpoTarget = RecoveryTargets.RecoveryPointObjective;
        var rtoTarget = RecoveryTargets.RecoveryTimeObjective;

        var notes = new List<string>();
        operatorNotes ??= Output(run.Steps.FirstOrDefault(s => s.Activity == PostMortemActivity)?.Output)?["notes"]?.GetValue<string>();
        if (operatorNotes is { Length: > 0 } given) notes.Add(given);
        foreach (var a in audit.Where(a => a.Action is not "run.start" and not "run.takeover"))
        {
            notes.Add($"{a.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {a.Who}: {a.Action}{(a.StepId is null ? "" : $" {a.StepId}")}{(a.Reason is null ? "" : $" — {a.Reason}")}");
        }

        var followUps = new List<string>();
        if (rpo > rpoTarget) followUps.Add($"RPO {Hours(rpo.Value)} exceeds the {Hours(rpoTarget)} target: check the nightly backup schedule and alerts.");
        if (rto > rtoTarget) followUps.Add($"RTO {Hours(rto.Value)} exceeds the {Hours(rtoTarget)} target: look at the slowest steps below.");
        foreach (var left in audit.Where(a => a.Action is "restore-target.kept" or "restore-target.unknown")) followUps.Add($"Restore target after the abort: {left.Reason}");
        foreach (var s in steps.Where(s => s.Attempts.Any(a => a.Outcome is not "Succeeded" and not "Running")))
        {
            var failed = s.Attempts.Where(a => a.Outcome is not "Succeeded" and not "Running").ToList();
            followUps.Add($"Step {s.Number} ({s.Id}) had {failed.Count} unsuccessful attempt(s): {failed[^1].Outcome}{(failed[^1].Error is { } e ? $" — {e}" : "")}.");
        }
        if (Output(run.Steps.FirstOrDefault(s => s.Activity == MigrationsActivity)?.Output)?["warning"]?.GetValue<string>() is { } mismatch)
        {
            followUps.Add($"Schema: {mismatch}.");
        }
        var findings = FailoverReport.Findings(run);
        foreach (var notChecked in findings?.Where(f => f.Outcome == "not checked") ?? []) followUps.Add($"Infrastructure: {notChecked.Check} was not checked: {notChecked.Detail}.");
        var dns = FailoverReport.Dns(run, audit, steps);
        foreach (var standing in dns?.Records.Where(r => r.Now == "on the standby") ?? [])
        {
            followUps.Add($"DNS: {standing.Record} still says {standing.After} (before the failover: {standing.Before}); fail it back when the primary is ready: a runbook.failback-dns step with failoverRun={run.Id}.");
        }
        if (run.HaltReason is not null) followUps.Add($"The run stopped: {run.HaltReason}. Retry, skip or abort it (`run retry {run.Id}`).");

        var outcome = run.State switch
        {
            RunState.Succeeded => rtoEnd is null ? "succeeded" : $"recovered: {measuredUntil}",
            RunState.Halted => "halted: waiting for a responder",
            RunState.WaitingForApproval => "waiting for approval",
            RunState.Aborted => "aborted",
            var other => other.ToString().ToLowerInvariant(),
        };

        return new RunReport(run.Id, run.DefinitionId, run.DefinitionVersion, run.State, outcome, run.Trigger, run.StartedBy,
            run.StartedAt, run.EndedAt, restorePoint, snapshot,
            rpo is { } p ? Round(p.TotalSeconds) : null, rpoTarget.TotalSeconds, rpo is null ? null : rpo <= rpoTarget,
            rto is { } t ? Round(t.TotalSeconds) : null, rtoTarget.TotalSeconds, rto is null ? null : rto <= rtoTarget,
            measuredUntil, overhead, run.HaltReason, steps, notes, followUps, breakdown,
            run.StartedAt is null ? null : Round((wallEnd - start).TotalSeconds), links.Run(run.Id)?.AbsoluteUri, findings, dns);
    }

    /// <summary>
    /// The run as it will be once the post-mortem (running now, the last step) succeeds: its
    /// attempt ends now, its step succeeds and — when every other step is done — so does the run.
    /// </summary>
    private static (Run, IReadOnlyList<Attempt>) AsTheRunEnds(Run run, IReadOnlyList<Attempt> journal, DateTimeOffset now)
    {
        var own = run.Steps.FirstOrDefault(s => s.Activity == PostMortemActivity && s.State == StepState.Running);
        if (own is null) return (run, journal);
        var othersDone = run.Steps.Where(s => s != own).All(s => s.State is StepState.Succeeded or StepState.Skipped);
        var steps = run.Steps.Select(s => s == own ? s with { State = StepState.Succeeded, EndedAt = now } : s).ToList();
        var attempts = journal.Select(a => a.StepId == own.StepId && a.Outcome == "Running"
            ? a with { Outcome = "Succeeded", EndedAt = now, Duration = now - a.StartedAt }
            : a).ToList();
        var ended = othersDone ? run with { State = RunState.Succeeded, EndedAt = now, HaltReason = null, Steps = steps } : run with { Steps = steps };
        return (ended, attempts);
    }

    private static JsonObject? Output(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;

    private static double Round(double seconds) => Math.Round(seconds, 3);

    internal static string Hours(TimeSpan value) => value.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours} h {value.Minutes:00} min")
        : value.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalMinutes} min {value.Seconds:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s");
}
