namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>A definition that passed validation, with the canonical JSON it was read from and that JSON's hash.</summary>
public sealed record LoadedDefinition(WorkflowDefinition Definition, string Source, string Content)
{
    /// <summary>SHA-256 of the canonical JSON (<see cref="CanonicalJson"/>), so re-indenting a file or reordering its keys is not a change.</summary>
    public string ContentHash { get; } = CanonicalJson.Hash(Content);
}
