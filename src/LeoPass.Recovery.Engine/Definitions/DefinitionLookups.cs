namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// Finding a workflow by what it is for (its <c>purpose</c> and <c>policy</c>) instead of by id:
/// the backups API, the CLI and the status page ask these, so renaming a workflow or designing a
/// new one needs no C# change.
/// </summary>
public static class DefinitionLookups
{
    /// <summary>The newest version of every published definition, parsed.</summary>
    public static async Task<IReadOnlyList<WorkflowDefinition>> ListLatestDefinitionsAsync(this DefinitionCatalog catalog, CancellationToken cancellationToken = default)
    {
        var definitions = new List<WorkflowDefinition>();
        foreach (var record in await catalog.ListLatestAsync(cancellationToken))
        {
            definitions.Add(await catalog.GetVersionAsync(record.Id, cancellationToken));
        }
        return definitions;
    }

    /// <summary>The newest version of one definition, or null when none is published.</summary>
    public static async Task<WorkflowDefinition?> FindLatestDefinitionAsync(this DefinitionCatalog catalog, string definitionId, CancellationToken cancellationToken = default) =>
        await catalog.FindLatestAsync(definitionId, cancellationToken) is { } record ? await catalog.GetVersionAsync(record.Id, cancellationToken) : null;

    /// <summary>A published version of one definition (the one a run pinned), or null.</summary>
    public static async Task<WorkflowDefinition?> FindDefinitionAsync(this DefinitionCatalog catalog, string definitionId, int version, CancellationToken cancellationToken = default) =>
        await catalog.FindVersionAsync(definitionId, version, cancellationToken) is { } record ? await catalog.GetVersionAsync(record.Id, cancellationToken) : null;

    /// <summary>Ids of the definitions whose runs measure the RTO (purpose drill or incident).</summary>
    public static async Task<IReadOnlyList<string>> RestoreDefinitionIdsAsync(this DefinitionCatalog catalog, CancellationToken cancellationToken = default) =>
        (await catalog.ListLatestDefinitionsAsync(cancellationToken))
            .Where(d => d.Purpose is DefinitionPurpose.Drill or DefinitionPurpose.Incident).Select(d => d.Id).ToList();

    /// <summary>The one definition with purpose backup; a clear error when there is none or more than one.</summary>
    public static Task<WorkflowDefinition> BackupDefinitionAsync(this DefinitionCatalog catalog, CancellationToken cancellationToken = default) =>
        catalog.OnlyDefinitionAsync(DefinitionPurpose.Backup, "to back up", cancellationToken);

    /// <summary>The one definition with purpose verify (restore verification); a clear error when there is none or more than one.</summary>
    public static Task<WorkflowDefinition> VerifyDefinitionAsync(this DefinitionCatalog catalog, CancellationToken cancellationToken = default) =>
        catalog.OnlyDefinitionAsync(DefinitionPurpose.Verify, "to prove a backup by restoring it", cancellationToken);

    private static async Task<WorkflowDefinition> OnlyDefinitionAsync(this DefinitionCatalog catalog, DefinitionPurpose purpose, string what, CancellationToken cancellationToken)
    {
        var name = purpose.ToString().ToLowerInvariant();
        var found = (await catalog.ListLatestDefinitionsAsync(cancellationToken)).Where(d => d.Purpose == purpose).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new DefinitionPurposeException($"no published definition has \"purpose\": \"{name}\": publish one (workflows/ ships one) {what}"),
            _ => throw new DefinitionPurposeException($"more than one published definition has \"purpose\": \"{name}\" ({string.Join(", ", found.Select(d => d.Id))}): keep it on one"),
        };
    }

    /// <summary>
    /// The drill a responder gets without naming one: of the definitions with purpose drill, the
    /// one an operator may start and that does not touch production (then one that takes a
    /// <c>backup</c> parameter, as `drill start --backup` passes one; ties: the lowest id). Why the
    /// least privileged: a default must be the one that is safe to start by mistake.
    /// </summary>
    public static async Task<WorkflowDefinition> DefaultDrillAsync(this DefinitionCatalog catalog, CancellationToken cancellationToken = default)
    {
        var drills = (await catalog.ListLatestDefinitionsAsync(cancellationToken))
            .Where(d => d.Purpose == DefinitionPurpose.Drill && !d.Policy.Production)
            .OrderBy(d => d.Policy.Start).ThenBy(d => d.Parameters.Any(p => p.Name == "backup") ? 0 : 1).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        return drills.Count > 0
            ? drills[0]
            : throw new DefinitionPurposeException("no published definition has \"purpose\": \"drill\": name one with --definition, or publish a drill");
    }
}

/// <summary>No definition, or too many, have the purpose asked for.</summary>
public sealed class DefinitionPurposeException(string message) : Exception(message);
