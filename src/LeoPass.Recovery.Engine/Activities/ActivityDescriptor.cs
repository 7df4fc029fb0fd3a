using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities;

/// <summary>What a definition may write in a step that uses this activity.</summary>
/// <param name="Type">Type name used in definitions, lower-case and dotted: <c>backup.upload</c>, <c>runbook.restore</c>.</param>
/// <param name="Description">One sentence for listings and the workflow designer.</param>
/// <param name="Parameters">Every parameter the activity reads; a definition naming another is refused.</param>
public sealed record ActivityDescriptor(string Type, string Description, IReadOnlyList<ActivityParameter> Parameters)
{
    public ActivityParameter? Find(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Fields of the output later steps read as <c>${steps.&lt;id&gt;.output.&lt;field&gt;}</c>.</summary>
    public IReadOnlyList<ActivityOutput> Outputs { get; init; } = [];

    /// <summary>
    /// Whether a failed or cut-off attempt may simply be run again. True by the activity contract
    /// (idempotent, intent journalled first); an activity that cannot promise it says false, and
    /// the designer shows it before a retry policy is set on its step.
    /// </summary>
    public bool RetrySafe { get; init; } = true;

    /// <summary>The activity type that undoes this one's effect (quarantine ↔ reopen), if any.</summary>
    public string? Undo { get; init; }

    /// <summary>
    /// What the activity is for, as the designer's palette groups it: backup, restore, traffic,
    /// validation, reporting, diagnostics. Default: the first part of the type name when it is one
    /// of those, else restore.
    /// </summary>
    public string Category { get; init; } = Type.Split('.')[0] is "backup" or "diagnostics" or "traffic" or "validation" or "reporting" ? Type.Split('.')[0] : "restore";
}

/// <summary>One field of an activity's output.</summary>
public sealed record ActivityOutput(string Name, string Description);

/// <summary>One declared parameter of an activity.</summary>
/// <param name="Default">Used when neither the step nor the run sets the parameter.</param>
/// <param name="Secret">
/// A credential: a definition must give it as an environment reference (<c>${NAME}</c>), never
/// the value itself — definitions are stored, served by the API and exported from the designer.
/// </param>
/// <param name="Type">JSON Schema type (string, integer, number, boolean, object, array); null: the type of <paramref name="Default"/>, else string.</param>
/// <param name="Format">JSON Schema format of a string: <c>duration</c> for an ISO 8601 duration (PT5M).</param>
/// <param name="Allowed">The only values allowed (JSON Schema <c>enum</c>), or null for any.</param>
public sealed record ActivityParameter(string Name, string Description, bool Required = false, JsonNode? Default = null, bool Secret = false, string? Type = null,
    string? Format = null, IReadOnlyList<string>? Allowed = null)
{
    public string SchemaType => Type ?? Default?.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        System.Text.Json.JsonValueKind.Number => "number",
        System.Text.Json.JsonValueKind.Object => "object",
        System.Text.Json.JsonValueKind.Array => "array",
        _ => "string",
    };
}
