namespace LeoPass.Recovery.Contracts;

/// <summary>
/// A run's recovery report: the restore point, RPO and RTO against the targets, and every step
/// with its attempts. The same object is written to SHIP_NOTES, posted to the incident tracker,
/// printed by `run report` and served by the API. Durations are in seconds. <paramref name="RunUrl"/>
/// is the run's page in the console, when LEOPASS_PUBLIC_URL is set.
/// </summary>
public sealed record RunReport(
    long RunId,
    string DefinitionId,
    int DefinitionVersion,
    RunState State,
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
    IReadOnlyList<string> FollowUps,
    RtoBreakdown? RtoBreakdown = null,
    double? WallSeconds = null,
    string? RunUrl = null,
    IReadOnlyList<ReportFinding>? Infrastructure = null,
    ReportDns? Dns = null);

/// <summary>One finding of the infrastructure check (runbook.check-infrastructure): passed, failed or not checked, and what was found.</summary>
public sealed record ReportFinding(string Check, string Outcome, string Detail);

/// <summary>
/// The DNS the run moved: how long the failover's change took to be visible (its own row of the
/// RTO, inside the failover step's work) and the failback's, and every record with the values
/// before and after the failover and where it stands now.
/// </summary>
/// <param name="PropagationCountsTowardRto">The failover ended before the RTO's end, so its propagation is inside the RTO.</param>
public sealed record ReportDns(
    string FailoverStep,
    double? PropagationSeconds,
    string? PropagationMethod,
    bool PropagationCountsTowardRto,
    double? FailbackPropagationSeconds,
    IReadOnlyList<ReportDnsRecord> Records);

/// <param name="Now">"put back" (the failback restored it), or "on the standby" (the failover's values stand).</param>
public sealed record ReportDnsRecord(string Record, string Before, string After, string Now);

/// <summary>
/// Where the RTO went, in seconds: work + waiting for a person at a gate + halted (waiting for a
/// responder) + lost to interrupted nodes + engine overhead = RTO, each counted only between the
/// run's start and the RTO's end.
/// </summary>
public sealed record RtoBreakdown(double WorkSeconds, double WaitingSeconds, double HaltedSeconds, double LostSeconds, double OverheadSeconds);

/// <param name="CountsTowardRto">The step lies between the run's start and the RTO's end.</param>
/// <param name="WorkSeconds">Attempts that ran to an end (not those cut off by an interrupted node: <paramref name="LostSeconds"/>).</param>
/// <param name="WaitingSeconds">Waiting for a person at the step's approval gates.</param>
/// <param name="TotalSeconds">Work + waiting + halted + lost.</param>
/// <param name="HaltedSeconds">The run sat halted at this step, waiting for a responder.</param>
/// <param name="LostSeconds">Attempts of this step whose node died or shut down, each from its start until the step's next attempt started.</param>
public sealed record ReportStep(
    int Number,
    string Id,
    string Title,
    string Activity,
    StepState State,
    bool Disabled,
    int AttemptCount,
    double WorkSeconds,
    double WaitingSeconds,
    double TotalSeconds,
    bool CountsTowardRto,
    string? Note,
    IReadOnlyList<ReportAttempt> Attempts,
    double HaltedSeconds = 0,
    double LostSeconds = 0);

public sealed record ReportAttempt(int Number, string Node, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationSeconds, double WaitingSeconds, string Outcome, string? Error);
