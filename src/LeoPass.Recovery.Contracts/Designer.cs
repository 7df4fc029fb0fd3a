using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeoPass.Recovery.Contracts;

/// <summary>A saved draft: the next version of a definition being designed. Drafts are stored on the server, never run and never scheduled.</summary>
/// <param name="Revision">Raised by every save; a save naming an older revision is refused (409), so two browsers never overwrite each other silently.</param>
/// <param name="PublishedVersion">The newest published version of the same id, or null for a definition never published.</param>
public sealed record DraftSummary(string Id, string Title, int Revision, DateTimeOffset SavedAt, string SavedBy, int? PublishedVersion);

/// <summary>GET /api/drafts/{id}: the draft and its JSON (which may still be invalid: drafts are work in progress).</summary>
public sealed record DraftDetails(DraftSummary Summary, JsonElement Content);

/// <summary>PUT /api/drafts/{id}: the draft's JSON; <see cref="BaseRevision"/> is the revision it was edited from (null: a new draft).</summary>
public sealed record SaveDraftRequest(JsonElement Content, int? BaseRevision);

/// <summary>How an imported file becomes a definition: never by overwriting one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImportMode>))]
public enum ImportMode
{
    /// <summary>A new definition under <see cref="ImportRequest.Id"/> (or the file's id); refused when that id exists.</summary>
    AsNew,

    /// <summary>A new draft of the existing definition <see cref="ImportRequest.Id"/>; refused when it already has a draft.</summary>
    AsDraftOf,
}

/// <summary>POST /api/definitions/import: a workflows/ file; it is validated, then saved as a draft (publishing stays a separate, admin-only step).</summary>
public sealed record ImportRequest(JsonElement Content, ImportMode Mode, string? Id);

/// <summary>GET /api/definitions/{id}/diff?from=&amp;to=: what changed between two versions (or a version and the draft), step by step.</summary>
public sealed record DefinitionDiff(string Id, string From, string To, IReadOnlyList<FieldChange> Definition, IReadOnlyList<StepChange> Steps)
{
    public bool Same => Definition.Count == 0 && Steps.All(s => s.Kind == StepChangeKind.Unchanged);
}

[JsonConverter(typeof(JsonStringEnumConverter<StepChangeKind>))]
public enum StepChangeKind
{
    Unchanged,
    Added,
    Removed,
    Changed,
    Moved,
}

/// <param name="FromPosition">1-based position in the older version, null when added.</param>
/// <param name="ToPosition">1-based position in the newer version, null when removed.</param>
/// <param name="Fields">The fields that differ (a step that moved and changed lists its fields too).</param>
public sealed record StepChange(string StepId, string Title, StepChangeKind Kind, int? FromPosition, int? ToPosition, IReadOnlyList<FieldChange> Fields);

/// <summary>One field that differs, by its path inside the definition or step ("parameters.backup", "retry.maxAttempts"), with both values as JSON text (null: absent).</summary>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>GET /api/activities: one activity a step may use, as the palette and the property panel need it.</summary>
/// <param name="Parameters">A JSON Schema object: each property's type, description and default; required; "secret": true on credentials; "format": "duration" on ISO 8601 durations; "enum" where only some values are allowed.</param>
/// <param name="Category">What the activity is for: backup, restore, traffic, validation, reporting or diagnostics (the palette's groups).</param>
/// <param name="Undo">The activity that undoes this one's effect, or null.</param>
public sealed record ActivityEntry(string Name, string Description, string Category, JsonElement Parameters, IReadOnlyList<ActivityOutputEntry> Outputs, bool RetrySafe, string? Undo, bool CanPlan);

public sealed record ActivityOutputEntry(string Name, string Description);

/// <summary>POST /api/dry-run: a published definition (<see cref="Definition"/>, newest unless <see cref="Version"/>) or a draft's JSON (<see cref="Content"/>), with run parameters.</summary>
public sealed record DryRunRequest(string? Definition, int? Version, JsonElement? Content, Dictionary<string, string>? Parameters);

/// <summary>What a run would do, step by step, found without doing any of it.</summary>
/// <param name="WouldRefuse">Why a real start would be refused now (a missing setting, a bad restore point), or null.</param>
public sealed record DryRunPlan(string Definition, int Version, string? WouldRefuse, IReadOnlyList<StepPlan> Steps);

/// <param name="Enabled">False: the step would be skipped (its plan says so).</param>
/// <param name="Actions">One line per action, in order; for a step that could not be planned, why.</param>
/// <param name="Planned">False when the activity cannot say what it would do, or planning it failed: a person must find out before running it.</param>
public sealed record StepPlan(string StepId, string Title, string Activity, bool Enabled, bool Planned, IReadOnlyList<string> Actions);
