using System.Text.Json;

namespace LeoPass.Recovery.Console.Api;

/// <summary>GET /api/definitions: the newest version of each definition, with the roles its runs need and what it is for (from its policy and purpose).</summary>
/// <param name="Label">Short name for buttons ("restore drill").</param>
/// <param name="Purpose">backup, drill, incident or other.</param>
public sealed record DefinitionSummary(string Id, int Version, string Title, DateTimeOffset PublishedAt, string PublishedBy, string Source, string ContentHash, DefinitionRoles Roles,
    string Label = "", string Purpose = "other", bool Production = false);

/// <summary>The least role to start a run of a definition, and to skip or abort its steps.</summary>
public sealed record DefinitionRoles(string Start, string SkipOrAbort);

/// <summary>GET /api/definitions/{id}: the summary and the definition's JSON (its parameters are read from it).</summary>
public sealed record DefinitionDetails(DefinitionSummary Summary, JsonElement Content);

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
