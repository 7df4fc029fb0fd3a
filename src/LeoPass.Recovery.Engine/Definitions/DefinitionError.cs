namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>One reason a definition is refused: which file, where in it (a JSON path such as <c>$.steps[2].activity</c>), and why.</summary>
public sealed record DefinitionError(string File, string Path, string Reason)
{
    public override string ToString() => $"{File}: {Path}: {Reason}";
}

/// <summary>A definition failed validation. The message lists every error, one per line.</summary>
public sealed class InvalidDefinitionException(IReadOnlyList<DefinitionError> errors)
    : Exception(errors.Count == 1
        ? $"invalid workflow definition: {errors[0]}"
        : "invalid workflow definitions:\n  - " + string.Join("\n  - ", errors))
{
    public IReadOnlyList<DefinitionError> Errors { get; } = errors;
}
