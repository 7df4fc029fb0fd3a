using System.Globalization;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.State;

namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>
/// Builds a <see cref="RunReport"/> from the journal. RTO = wall time from the run's start
/// until traffic was reopened (when the reopen step ran) or else until validation passed (a
/// drill, whose reopen is disabled); RPO = run start minus the restore point's snapshot start.
/// </summary>
public sealed class RunReportBuilder(RunQueries queries)
{
    public const string ReopenActivity = "runbook.reopen-traffic";
    public const string ValidateActivity = "runbook.validate";
    public const string DownloadActivity = "runbook.download-artefact";
    public const string MigrationsActivity = "runbook.run-migrations";
    public const string PostMortemActivity = "runbook.post-mortem";

    /// <param name="operatorNotes">The responder's notes (the post-mortem step's <c>notes</c>); when null, those the post-mortem step recorded.</param>
    public async Task<RunReport> BuildAsync(long runId, string? operatorNotes = null, CancellationToken cancellationToken = default)
    {
        var run = await queries.GetAsync(runId, cancellationToken);
        var journal = await queries.JournalAsync(runId, cancellationToken);
        var audit = await queries.AuditAsync(runId, cancellationToken);
        var start = run.StartedAt ?? run.CreatedAt;

        var reopen = run.Steps.FirstOrDefault(s => s.Activity == ReopenActivity && s.State == StepState.Succeeded);
        var validate = run.Steps.FirstOrDefault(s => s.Activity == ValidateActivity && s.State == StepState.Succeeded);
        var rtoStep = reopen ?? validate;
        var measuredUntil = reopen is not null ? "traffic reopened" : "validation passed";
        DateTimeOffset? rtoEnd = null;
        if (rtoStep is not null && journal.Where(a => a.StepId == rtoStep.StepId && a.EndedAt is not null).MaxBy(a => a.Number) is { } last)
        {
            rtoEnd = last.EndedAt!.Value + last.WaitingTime;
        }
        var rto = rtoEnd - start;

        var steps = run.Steps.Select(s =>
        {
            var attempts = journal.Where(a => a.StepId == s.StepId).OrderBy(a => a.Number)
                .Select(a => new ReportAttempt(a.Number, a.Node, a.StartedAt, a.EndedAt, a.Duration?.TotalSeconds, a.WaitingTime.TotalSeconds, a.Outcome, a.Error)).ToList();
            var work = attempts.Sum(a => a.DurationSeconds ?? 0);
            var disabled = s.State == StepState.Skipped && s.SkipReason == "disabled in definition";
            var note = disabled ? "disabled in this definition" : s.SkipReason is { } reason ? $"skipped: {reason}" : s.Error;
            if (note is null && Output(s.Output)?["warning"]?.GetValue<string>() is { } warning) note = warning;
            return new ReportStep(s.Position + 1, s.StepId, s.Title, s.Activity, s.State.ToString(), disabled, attempts.Count,
                Round(work), Round(s.WaitingTime.TotalSeconds), Round(work + s.WaitingTime.TotalSeconds),
                rtoStep is not null && s.Position <= rtoStep.Position, note, attempts);
        }).ToList();
        double? overhead = rto is { } r ? Round(r.TotalSeconds - steps.Where(s => s.CountsTowardRto).Sum(s => s.TotalSeconds)) : null;

        var download = Output(run.Steps.FirstOrDefault(s => s.Activity == DownloadActivity && s.State == StepState.Succeeded)?.Output);
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
        foreach (var s in steps.Where(s => s.Attempts.Any(a => a.Outcome != "Succeeded")))
        {
            var failed = s.Attempts.Where(a => a.Outcome != "Succeeded").ToList();
            followUps.Add($"Step {s.Number} ({s.Id}) had {failed.Count} unsuccessful attempt(s): {failed[^1].Outcome}{(failed[^1].Error is { } e ? $" — {e}" : "")}.");
        }
        if (Output(run.Steps.FirstOrDefault(s => s.Activity == MigrationsActivity)?.Output)?["warning"]?.GetValue<string>() is { } mismatch)
        {
            followUps.Add($"Schema: {mismatch}.");
        }
        if (run.HaltReason is not null) followUps.Add($"The run stopped: {run.HaltReason}. Retry, skip or abort it (`run retry {run.Id}`).");

        var postMortemRunning = run.Steps.Any(s => s.Activity == PostMortemActivity && s.State == StepState.Running)
            && run.Steps.Where(s => s.Activity != PostMortemActivity).All(s => s.State is StepState.Succeeded or StepState.Skipped);
        var outcome = run.State switch
        {
            RunState.Succeeded => rtoEnd is null ? "succeeded" : $"recovered: {measuredUntil}",
            _ when postMortemRunning => $"recovered: {measuredUntil}",
            RunState.Halted => "halted: waiting for a responder",
            RunState.WaitingForApproval => "waiting for approval",
            RunState.Aborted => "aborted",
            var other => other.ToString().ToLowerInvariant(),
        };

        return new RunReport(run.Id, run.DefinitionId, run.DefinitionVersion, run.State.ToString(), outcome, run.Trigger, run.StartedBy,
            run.StartedAt, run.EndedAt, restorePoint, snapshot,
            rpo is { } p ? Round(p.TotalSeconds) : null, rpoTarget.TotalSeconds, rpo is null ? null : rpo <= rpoTarget,
            rto is { } t ? Round(t.TotalSeconds) : null, rtoTarget.TotalSeconds, rto is null ? null : rto <= rtoTarget,
            measuredUntil, overhead, run.HaltReason, steps, notes, followUps);
    }

    private static JsonObject? Output(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;

    private static double Round(double seconds) => Math.Round(seconds, 3);

    internal static string Hours(TimeSpan value) => value.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours} h {value.Minutes:00} min")
        : value.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalMinutes} min {value.Seconds:00} s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s");
}
