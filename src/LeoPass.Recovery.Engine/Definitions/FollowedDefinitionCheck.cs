namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// What only the published definitions can tell about a trigger of type <c>after</c>: the followed
/// definition is published, the steps and run parameters the follower reads from its runs exist in
/// its newest version, and no chain of afters leads back to the follower (a loop would start runs
/// for ever). Checked when the follower is published; every error carries its JSON path.
/// </summary>
public static class FollowedDefinitionCheck
{
    public static async Task<IReadOnlyList<DefinitionError>> ErrorsAsync(WorkflowDefinition follower, string source, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        if (follower.Trigger.After is not { } after) return [];
        var errors = new List<DefinitionError>();
        var published = (await catalog.ListLatestDefinitionsAsync(cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        if (!published.TryGetValue(after.DefinitionId, out var followed))
        {
            errors.Add(new DefinitionError(source, "$.trigger.after.definition",
                $"no definition '{after.DefinitionId}' is published (published: {(published.Count == 0 ? "none" : string.Join(", ", published.Keys.Order(StringComparer.Ordinal)))}): publish it first"));
            return errors;
        }
        foreach (var (name, text) in after.Parameters)
        {
            var path = JsonPath.Property("$.trigger.after.parameters", name);
            foreach (System.Text.RegularExpressions.Match m in DefinitionLoader.ParameterReference().Matches(text))
            {
                var reference = m.Groups["ref"].Value;
                if (DefinitionLoader.StepOutputReference().Match(reference) is { Success: true } step)
                {
                    if (followed.Steps.All(s => s.Id != step.Groups["step"].Value))
                    {
                        errors.Add(new DefinitionError(source, path, $"'{m.Value}' names step '{step.Groups["step"].Value}', which '{followed.Id}' v{followed.Version} does not have (steps: {string.Join(", ", followed.Steps.Select(s => s.Id))})"));
                    }
                }
                else if (reference.StartsWith("run.", StringComparison.Ordinal) && followed.Parameters.All(p => p.Name != reference["run.".Length..]))
                {
                    errors.Add(new DefinitionError(source, path, $"'{m.Value}' names run parameter '{reference["run.".Length..]}', which '{followed.Id}' v{followed.Version} does not declare"));
                }
            }
        }
        // Walk the chain from the followed definition: reaching the follower again is a loop.
        var chain = new List<string> { follower.Id, followed.Id };
        for (var current = followed; current.Trigger.After is { } next; )
        {
            if (next.DefinitionId == follower.Id)
            {
                errors.Add(new DefinitionError(source, "$.trigger.after.definition", $"a loop: {string.Join(" follows ", chain)} follows {follower.Id}; every run would start another"));
                break;
            }
            if (chain.Contains(next.DefinitionId, StringComparer.Ordinal) || !published.TryGetValue(next.DefinitionId, out var up)) break;
            chain.Add(next.DefinitionId);
            current = up;
        }
        return errors;
    }

    /// <summary>
    /// Orders definitions so each followed one comes before its followers (a workflows directory
    /// is published in this order at start); the rest keep their order.
    /// </summary>
    public static IReadOnlyList<LoadedDefinition> FollowedFirst(IReadOnlyList<LoadedDefinition> definitions)
    {
        var ordered = new List<LoadedDefinition>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var ids = definitions.Select(d => d.Definition.Id).ToHashSet(StringComparer.Ordinal);
        var pending = definitions.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(d => d.Definition.Trigger.After is not { } after || !ids.Contains(after.DefinitionId) || placed.Contains(after.DefinitionId)).ToList();
            // A loop inside the directory: publish the rest as they are, and the check refuses the loop.
            if (ready.Count == 0) ready = pending;
            foreach (var definition in ready)
            {
                ordered.Add(definition);
                placed.Add(definition.Definition.Id);
                pending.Remove(definition);
            }
        }
        return ordered;
    }
}
