using LeoPass.Recovery.Engine.Journal;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>POST /api/runs: which definition (newest version unless <see cref="Version"/>) with which run parameters.</summary>
public sealed record StartRunBody(string? Definition, int? Version = null, Dictionary<string, string>? Parameters = null);

/// <summary>POST /api/backups/run: run the definition whose purpose is backup now.</summary>
public sealed record BackupRunBody(Dictionary<string, string>? Parameters = null);

public sealed record ReasonBody(string? Reason);

public sealed record StepReasonBody(string? Step, string? Reason);

public sealed record GateBody(string? Step, string? Note);

/// <summary>
/// A run with its journal (one row per step attempt), its audit trail and what a responder may
/// ask of it now (<c>retry</c>, <c>resume</c>, <c>skip</c>, <c>abort</c>, <c>approve</c>, <c>reject</c>:
/// the run state machine's answer, before roles). Every call that reads or changes one run answers this.
/// </summary>
public sealed record RunDetails(RunView Run, IReadOnlyList<AttemptView> Journal, IReadOnlyList<AuditView> Audit, IReadOnlyList<string> AllowedNow);

public sealed record HealthEntry(string Name, string Status, string? Description, TimeSpan Duration);

public sealed record HealthAnswer(string Status, IReadOnlyList<HealthEntry> Checks);
