using LeoPass.Recovery.Engine.State;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>A run as the CLI and the API show it.</summary>
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
    IReadOnlyList<StepView> Steps);

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
    string? Output);

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
