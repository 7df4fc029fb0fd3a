using System.Text.Json;
using Json.Schema;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>workflows/schema.json, embedded in this assembly, and the errors it finds as <see cref="DefinitionError"/>s.</summary>
public static class WorkflowSchema
{
    private const string ResourceName = "LeoPass.Recovery.Engine.workflow.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(Build);

    public static string Text { get; } = ReadText();

    public static IReadOnlyList<DefinitionError> Validate(JsonElement document, string file)
    {
        var results = Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        var errors = new List<DefinitionError>();
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is null) continue;
            foreach (var (keyword, message) in detail.Errors)
            {
                // "$ref"/"allOf" wrappers repeat what their children already said.
                if (keyword is "$ref" or "allOf" or "then" or "if") continue;
                errors.Add(new DefinitionError(file, JsonPath.FromPointer(detail.InstanceLocation.ToString()), $"{message} (schema: {keyword})"));
            }
        }
        if (errors.Count == 0) errors.Add(new DefinitionError(file, JsonPath.Root, "does not match workflows/schema.json"));
        return errors.Distinct().ToList();
    }

    private static string ReadText()
    {
        using var stream = typeof(WorkflowSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the engine assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonSchema Build()
    {
        // A registry of our own: the global one refuses a second schema with the same $id, which tests building twice would hit.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.FromText(Text, options);
    }
}
