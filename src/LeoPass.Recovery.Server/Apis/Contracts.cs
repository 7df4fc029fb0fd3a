namespace LeoPass.Recovery.Server.Apis;

/// <summary>
/// POST /api/runs: which definition (newest version unless <see cref="Version"/>) with which run parameters.
/// The console writes it as <see cref="Contracts.StartRunBody"/>; here every field may be missing, so that a
/// caller who leaves one out is answered 400 naming it, not a binding failure.
/// </summary>
public sealed record StartRunBody(string? Definition, int? Version = null, Dictionary<string, string>? Parameters = null);

/// <summary>POST /api/backups/run: run the definition whose purpose is backup now.</summary>
public sealed record BackupRunBody(Dictionary<string, string>? Parameters = null);

public sealed record ReasonBody(string? Reason);

public sealed record StepReasonBody(string? Step, string? Reason);

public sealed record GateBody(string? Step, string? Note);

public sealed record HealthEntry(string Name, string Status, string? Description, TimeSpan Duration);

public sealed record HealthAnswer(string Status, IReadOnlyList<HealthEntry> Checks);
