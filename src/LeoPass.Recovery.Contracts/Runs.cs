namespace LeoPass.Recovery.Contracts;

// The JSON of /api/runs, as the server writes it (camelCase, enums as strings, TimeSpan as "d.hh:mm:ss.fffffff").
// The server's test ContractTests reads its real answers into these records and fails on any field either side lacks.

/// <summary>
/// GET /api/runs/{id}, POST /api/runs and every action on a run: the run, its journal (one row per step attempt),
/// its audit trail and what a responder may ask of it now (<c>retry</c>, <c>resume</c>, <c>skip</c>, <c>abort</c>,
/// <c>approve</c>, <c>reject</c>: the run state machine's answer, before roles).
/// </summary>
public sealed record RunDetails(Run Run, IReadOnlyList<Attempt> Journal, IReadOnlyList<AuditEntry> Audit, IReadOnlyList<string> AllowedNow);

/// <summary>A run as the CLI, the API and the engine's own readers see it.</summary>
/// <param name="HolderCheckedInAt">While the run is Running: when its holder node last checked in with the cluster (null: it has no check-in).</param>
/// <param name="HolderPresumedDead">While the run is Running: the holder's last check-in is older than the failover time (or it has none) — another node takes the run over.</param>
public sealed record Run(
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
    IReadOnlyList<Step> Steps,
    DateTimeOffset? HolderCheckedInAt = null,
    bool? HolderPresumedDead = null);

/// <param name="WaitingAtGate">"before" or "after" while the step waits for approval.</param>
public sealed record Step(
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
public sealed record Attempt(
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

public sealed record AuditEntry(DateTimeOffset At, string Who, string Action, string? StepId, string? Reason, string? Details);

/// <summary>An event of /api/events: a run changed, on any node.</summary>
public sealed record RunChange(long RunId, string Definition, RunState State, DateTimeOffset UpdatedAt);

/// <summary>Filters of GET /api/runs; null means any.</summary>
public sealed record RunFilter(string? Definition = null, RunState? State = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 100);

/// <summary>POST /api/runs: the newest published version of <see cref="Definition"/>, or <see cref="Version"/>.</summary>
public sealed record StartRunBody(string Definition, IReadOnlyDictionary<string, string> Parameters, int? Version = null);
