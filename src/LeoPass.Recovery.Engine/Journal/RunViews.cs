using LeoPass.Recovery.Engine.Runs;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>A run as the CLI and the API show it.</summary>
/// <param name="HolderCheckedInAt">While the run is Running: when its holder node last checked in with the cluster (null: it has no check-in).</param>
/// <param name="HolderPresumedDead">While the run is Running: the holder's last check-in is older than the failover time (or it has none) — another node takes the run over.</param>
public sealed record RunView(
    long Id,
    string DefinitionId,
    int DefinitionVersion,
    RunState State,
    string Trigger,
    string StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? HolderNode,
    string? HaltReason,
    TimeSpan? WallTime,
    IReadOnlyList<StepView> Steps,
    DateTimeOffset? HolderCheckedInAt = null,
    bool? HolderPresumedDead = null);

public sealed record StepView(
    string StepId,
    int Position,
    string Title,
    string Activity,
    StepState State,
    int Attempts,
    TimeSpan WorkTime,
    TimeSpan WaitingTime,
    string? WaitingAtGate,
    string? Error,
    string? SkipReason,
    string? Output,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null);

/// <summary>One journal row: an attempt of a step.</summary>
public sealed record AttemptView(
    string StepId,
    int Number,
    string Node,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    TimeSpan? Duration,
    TimeSpan WaitingTime,
    string Outcome,
    string? Error,
    string? Output,
    IReadOnlyList<string> Intents);

public sealed record AuditView(DateTimeOffset At, string Who, string Action, string? StepId, string? Reason, string? Details);
