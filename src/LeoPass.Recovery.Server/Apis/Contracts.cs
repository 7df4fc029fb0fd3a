using System.Text.Json.Nodes;
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

/// <param name="Roles">The least role that may start a run of this definition, and skip or abort its steps (operator or admin), from its "policy".</param>
/// <param name="Label">Short name for buttons ("restore drill").</param>
/// <param name="Purpose">backup, drill, incident or other: what the workflow is for.</param>
/// <param name="Production">True when a run writes to production and needs the confirm parameter.</param>
public sealed record DefinitionSummary(string Id, int Version, string Title, DateTimeOffset PublishedAt, string PublishedBy, string Source, string ContentHash, DefinitionRoles Roles,
    string Label, string Purpose, bool Production);

/// <summary>Who may act on runs of a definition; retrying, resuming, approving and rejecting always need an operator.</summary>
/// <param name="SkipOrAbort">The stricter of <paramref name="Skip"/> and <paramref name="Abort"/>, for clients that show one rule for both.</param>
public sealed record DefinitionRoles(string Start, string SkipOrAbort, string Skip, string Abort);

public sealed record DefinitionDetails(DefinitionSummary Summary, JsonNode? Content);

public sealed record DefinitionValidation(bool Valid, string Id, int Version, string Title, int Steps, string ContentHash);

public sealed record BackupSummary(
    string Key,
    string Database,
    DateTimeOffset SnapshotStartedAt,
    DateTimeOffset CreatedAt,
    long StoredBytes,
    long DumpBytes,
    string Sha256,
    string UploadVerification,
    string Compression,
    DateTimeOffset? LastVerifiedAt,
    string? LastVerifyResult,
    RestoreVerification? RestoreVerification = null);

/// <summary>
/// What restore verifications found about a backup: <see cref="VerifiedAt"/> is set once a restore
/// proved it (null: never); <see cref="FailedAt"/> and <see cref="Failure"/> the last failed attempt.
/// </summary>
public sealed record RestoreVerification(DateTimeOffset? VerifiedAt, long? RunId, int? Tables, string? Summary, DateTimeOffset? FailedAt, string? Failure);

public sealed record BackupVerification(string Key, bool Decrypted, string Sha256, long StoredBytes, long DumpBytes, TimeSpan Duration);

public sealed record HealthEntry(string Name, string Status, string? Description, TimeSpan Duration);

public sealed record HealthAnswer(string Status, IReadOnlyList<HealthEntry> Checks);
