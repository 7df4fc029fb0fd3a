using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace LeoPass.Recovery.Engine.Activities;

/// <summary>A step's resolved parameters with typed readers whose errors name the step and parameter.</summary>
public sealed class ActivityParameters(string stepId, JsonObject values)
{
    public JsonObject Values { get; } = values;

    public bool Has(string name) => Values[name] is not null;

    public JsonNode? Raw(string name) => Values[name];

    public string? GetString(string name) => Values[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };

    public string RequireString(string name) => GetString(name) is { Length: > 0 } s ? s : throw Missing(name);

    public long? GetInt64(string name) => GetString(name) is { } s
        ? long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(name, s, "a whole number")
        : null;

    public bool? GetBoolean(string name) => GetString(name) is { } s
        ? bool.TryParse(s, out var value) ? value : throw Invalid(name, s, "true or false")
        : null;

    /// <summary>An ISO 8601 duration such as PT30S.</summary>
    public TimeSpan? GetDuration(string name)
    {
        var s = GetString(name);
        if (s is null) return null;
        try
        {
            return XmlConvert.ToTimeSpan(s);
        }
        catch (FormatException)
        {
            throw Invalid(name, s, "an ISO 8601 duration such as PT30S");
        }
    }

    public T? Get<T>(string name) => Values[name] is { } node ? node.Deserialize<T>() : default;

    private ActivityFailedException Missing(string name) =>
        new($"step '{stepId}': parameter '{name}' is required", retryable: false);

    private ActivityFailedException Invalid(string name, string value, string expected) =>
        new($"step '{stepId}': parameter '{name}' is '{value}', expected {expected}", retryable: false);
}
