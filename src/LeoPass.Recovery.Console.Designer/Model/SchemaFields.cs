using System.Text.Json;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>How a parameter is edited, from its JSON Schema.</summary>
public enum FieldKind
{
    Text,
    Number,
    Boolean,
    Choice,
    Duration,
    Secret,
}

/// <summary>One parameter of an activity, as the property panel edits it.</summary>
public sealed record ParameterField(string Name, string? Description, FieldKind Kind, bool Required, string? Default, IReadOnlyList<string> Choices);

/// <summary>
/// The property panel's fields for an activity, generated from <c>GET /api/activities</c>' JSON
/// Schema: string, number, boolean, enum, duration (<c>format: duration</c>) and secret references
/// (<c>secret: true</c>: only <c>${NAME}</c>, never a clear value).
/// </summary>
public static class SchemaFields
{
    public static IReadOnlyList<ParameterField> From(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object) return [];
        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet(StringComparer.Ordinal)
            : [];
        return properties.EnumerateObject().Select(p =>
        {
            var spec = p.Value;
            string? Text(string name) => spec.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var choices = spec.TryGetProperty("enum", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.ToString()).ToList() : [];
            var kind = spec.TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.True ? FieldKind.Secret
                : choices.Count > 0 ? FieldKind.Choice
                : Text("format") == "duration" ? FieldKind.Duration
                : Text("type") switch
                {
                    "boolean" => FieldKind.Boolean,
                    "integer" or "number" => FieldKind.Number,
                    _ => FieldKind.Text,
                };
            var fallback = spec.TryGetProperty("default", out var d) ? d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText() : null;
            return new ParameterField(p.Name, Text("description"), kind, required.Contains(p.Name), fallback, choices);
        }).ToList();
    }

    /// <summary>Why a value typed into a field is refused before it reaches the draft, or null. Only a clear-text secret is: it must never be stored.</summary>
    public static string? Refusal(ParameterField field, string value)
    {
        if (field.Kind == FieldKind.Secret)
        {
            return IsEnvironmentReference(value) ? null
                : $"'{field.Name}' is a secret: write where it comes from, an environment reference such as ${{{field.Name.ToUpperInvariant()}}}, never the secret itself (definitions are stored and exported)";
        }
        // Anything else is kept in the draft and checked by the API as the author types: the error shows on the node and the field.
        return null;
    }

    /// <summary>Exactly one <c>${NAME}</c>, as the API accepts for a secret (checked by hand: no regular-expression engine in the browser for this).</summary>
    public static bool IsEnvironmentReference(string value) =>
        value.Length > 3 && value.StartsWith("${", StringComparison.Ordinal) && value[^1] == '}'
        && (char.IsAsciiLetter(value[2]) || value[2] == '_')
        && value[2..^1].All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
