using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Definitions;

namespace LeoPass.Recovery.Engine.Steps;

/// <summary>
/// Computes a step's parameters for one attempt: the activity's declared defaults, overridden by
/// the definition's step values, overridden by run parameters of the same name (only names the
/// activity declares). String values may then reference <c>${run.name}</c> and
/// <c>${steps.&lt;id&gt;.output.&lt;field&gt;}</c>; a value that is exactly one reference takes the
/// referenced JSON value with its type, otherwise the reference is replaced as text.
/// </summary>
public static partial class ParameterBinder
{
    public static JsonObject Bind(ActivityDescriptor activity, StepDefinition step, JsonObject runParameters, IReadOnlyDictionary<string, JsonObject> stepOutputs)
    {
        var merged = new JsonObject();
        foreach (var declared in activity.Parameters.Where(p => p.Default is not null)) merged[declared.Name] = declared.Default!.DeepClone();
        foreach (var (name, value) in step.Parameters) merged[name] = value?.DeepClone();
        foreach (var (name, value) in runParameters)
        {
            if (activity.Find(name) is not null) merged[name] = value?.DeepClone();
        }
        var resolved = new JsonObject();
        foreach (var (name, value) in merged) resolved[name] = Resolve(value, runParameters, stepOutputs);
        return resolved;
    }

    /// <summary>Text with its <c>${run.…}</c> and <c>${steps.….output.…}</c> references replaced (a missing value is empty).</summary>
    public static string ResolveText(string text, JsonObject runParameters, IReadOnlyDictionary<string, JsonObject> stepOutputs) =>
        Resolve(JsonValue.Create(text), runParameters, stepOutputs) switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => "",
            var other => other.ToJsonString(),
        };

    private static JsonNode? Resolve(JsonNode? node, JsonObject run, IReadOnlyDictionary<string, JsonObject> outputs)
    {
        switch (node)
        {
            case JsonObject obj:
                var o = new JsonObject();
                foreach (var (k, v) in obj) o[k] = Resolve(v, run, outputs);
                return o;
            case JsonArray array:
                return new JsonArray(array.Select(v => Resolve(v, run, outputs)).ToArray());
            case JsonValue value when value.TryGetValue<string>(out var text):
                var whole = Reference().Match(text);
                if (whole.Success && whole.Length == text.Length) return Lookup(whole.Groups["ref"].Value, run, outputs)?.DeepClone();
                return JsonValue.Create(Reference().Replace(text, m => Lookup(m.Groups["ref"].Value, run, outputs) switch
                {
                    null => "",
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    var other => other.ToJsonString(),
                }));
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? Lookup(string reference, JsonObject run, IReadOnlyDictionary<string, JsonObject> outputs)
    {
        if (reference.StartsWith("run.", StringComparison.Ordinal)) return run[reference[4..]];
        var m = DefinitionLoader.StepOutputReference().Match(reference);
        if (!m.Success || !outputs.TryGetValue(m.Groups["step"].Value, out var output)) return null;
        JsonNode? current = output;
        foreach (var part in m.Groups["field"].Value.Split('.')) current = current is JsonObject o ? o[part] : null;
        return current;
    }

    [GeneratedRegex(@"\$\{(?<ref>(run|steps)\.[^}]+)\}")]
    private static partial Regex Reference();
}
