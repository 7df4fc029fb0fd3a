using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities;

/// <summary>What a definition may write in a step that uses this activity.</summary>
/// <param name="Type">Type name used in definitions, lower-case and dotted: <c>backup.upload</c>, <c>runbook.restore</c>.</param>
/// <param name="Description">One sentence for listings and the workflow designer.</param>
/// <param name="Parameters">Every parameter the activity reads; a definition naming another is refused.</param>
public sealed record ActivityDescriptor(string Type, string Description, IReadOnlyList<ActivityParameter> Parameters)
{
    public ActivityParameter? Find(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}

/// <summary>One declared parameter of an activity.</summary>
/// <param name="Default">Used when neither the step nor the run sets the parameter.</param>
public sealed record ActivityParameter(string Name, string Description, bool Required = false, JsonNode? Default = null);
