using System.Text.Json;

namespace LeoPass.Recovery.Contracts;

/// <summary>GET /api/definitions: the newest published version of each definition, with the roles its runs need and what it is for (from its policy and purpose).</summary>
/// <param name="Label">Short name for buttons ("restore drill").</param>
/// <param name="Purpose">backup, drill, incident or other.</param>
/// <param name="Production">True when a run writes to production and needs the confirm parameter.</param>
/// <param name="Description">What the workflow does, from the definition.</param>
/// <param name="Cron">The schedule as written (environment references unresolved), or null for a definition started by hand or the API.</param>
/// <param name="HasDraft">A draft of a next version is saved (drafts never run).</param>
/// <param name="RunParameters">The names of the run parameters it declares: a drill with <c>backup</c> restores a chosen backup, one without (a point-in-time drill) does not.</param>
public sealed record DefinitionSummary(string Id, int Version, string Title, DateTimeOffset PublishedAt, string PublishedBy, string Source, string ContentHash, DefinitionRoles Roles,
    string Label, string Purpose, bool Production, string? Description, string? Cron, bool HasDraft, IReadOnlyList<string>? RunParameters = null);

/// <summary>Who may act on runs of a definition; retrying, resuming, approving and rejecting always need an operator.</summary>
/// <param name="SkipOrAbort">The stricter of <paramref name="Skip"/> and <paramref name="Abort"/>, for clients that show one rule for both.</param>
public sealed record DefinitionRoles(string Start, string SkipOrAbort, string Skip, string Abort);

/// <summary>GET /api/definitions/{id}: the summary and the definition's JSON, exactly as the workflows/ file format has it.</summary>
public sealed record DefinitionDetails(DefinitionSummary Summary, JsonElement Content);

/// <summary>POST /api/definitions/check: every error of a definition by JSON path, answered 200 either way (the designer asks as its author types).</summary>
public sealed record DefinitionCheck(bool Valid, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>POST /api/definitions/validate when the definition is valid.</summary>
public sealed record DefinitionValidation(bool Valid, string Id, int Version, string Title, int Steps, string ContentHash);

/// <summary>GET /api/definitions/cron-preview: when a schedule would fire next (UTC), or why it does not parse.</summary>
/// <param name="Resolved">The cron with environment references resolved as the server resolves them.</param>
public sealed record CronPreview(string Resolved, string TimeZone, IReadOnlyList<DateTimeOffset> Next, string? Error);

/// <summary>GET /api/definitions/{id}/versions: one published version, newest first.</summary>
public sealed record DefinitionVersionSummary(int Version, string Title, DateTimeOffset PublishedAt, string PublishedBy, string Source, string ContentHash);

/// <summary>A run parameter a definition declares, as the start dialog asks for it.</summary>
public sealed record DefinitionParameter(string Name, string? Description, bool Required, string? Default)
{
    public static IReadOnlyList<DefinitionParameter> From(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Object || !content.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object) return [];
        return parameters.EnumerateObject().Select(p => new DefinitionParameter(
            p.Name,
            p.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
            p.Value.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True,
            p.Value.TryGetProperty("default", out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => v.GetRawText(),
            } : null)).ToList();
    }
}

/// <summary>GET /api/me.</summary>
public sealed record Caller(string Name, string Role);
