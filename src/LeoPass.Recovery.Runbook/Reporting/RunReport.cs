namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>
/// A run's recovery report: the restore point, RPO and RTO against the targets, and every step
/// with its attempts. The same object is written to SHIP_NOTES, posted to the incident tracker,
/// printed by `run report` and served by the API. Durations are in seconds.
/// </summary>
public sealed record RunReport(
    long RunId,
    string DefinitionId,
    int DefinitionVersion,
    string State,
    string Outcome,
    string Trigger,
    string StartedBy,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? RestorePoint,
    DateTimeOffset? SnapshotStartedAt,
    double? RpoSeconds,
    double RpoTargetSeconds,
    bool? RpoMet,
    double? RtoSeconds,
    double RtoTargetSeconds,
    bool? RtoMet,
    string RtoMeasuredUntil,
    double? OverheadSeconds,
    string? HaltReason,
    IReadOnlyList<ReportStep> Steps,
    IReadOnlyList<string> OperatorNotes,
    IReadOnlyList<string> FollowUps);

/// <param name="CountsTowardRto">The step lies between the run's start and the RTO's end; the RTO is the sum of these steps' totals plus the engine overhead.</param>
public sealed record ReportStep(
    int Number,
    string Id,
    string Title,
    string Activity,
    string State,
    bool Disabled,
    int AttemptCount,
    double WorkSeconds,
    double WaitingSeconds,
    double TotalSeconds,
    bool CountsTowardRto,
    string? Note,
    IReadOnlyList<ReportAttempt> Attempts);

public sealed record ReportAttempt(int Number, string Node, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationSeconds, double WaitingSeconds, string Outcome, string? Error);
