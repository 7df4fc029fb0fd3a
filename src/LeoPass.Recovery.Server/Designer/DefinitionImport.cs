using System.Text.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Runs;

namespace LeoPass.Recovery.Server.Designer;

/// <summary>
/// A workflows/ file brought into the designer. It becomes a draft — as a new definition, or as the
/// next draft of an existing one — and never replaces anything: an id already in use, or a draft
/// already being edited, is refused (409) with what to do instead. The file is validated like a
/// publish, so a bad file is refused with every error by JSON path and nothing is saved.
/// </summary>
public sealed class DefinitionImport(DefinitionLoader loader, DefinitionCatalog catalog, DefinitionDrafts drafts)
{
    public async Task<DraftSummary> ImportAsync(ImportRequest request, string who, CancellationToken cancellationToken)
    {
        if (request.Content.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", $"the file holds a JSON {request.Content.ValueKind.ToString().ToLowerInvariant()}, not a workflow definition (an object with id, title, trigger and steps)");
        }
        var content = JsonNode.Parse(request.Content.GetRawText())!.AsObject();
        var fileId = content["id"] is JsonValue v && v.TryGetValue<string>(out var named) ? named : null;
        var id = request.Id is { Length: > 0 } given ? given : fileId ?? throw Invalid("$.id", "the file names no id: give the new definition's id");
        var published = await catalog.FindLatestAsync(id, cancellationToken);
        var draft = await drafts.FindAsync(id, cancellationToken);
        if (request.Mode == ImportMode.AsNew)
        {
            if (published is not null || draft is not null)
            {
                throw new DraftConflictException(id, $"definition '{id}' already exists{(published is null ? " as a draft" : $" (v{published.Version})")}: import under another id, or as a new draft of '{id}'. Nothing was overwritten.");
            }
        }
        else
        {
            if (published is null) throw new NotFoundException($"no workflow definition '{id}' is published to import a draft of: import the file as a new definition");
            if (draft is not null)
            {
                throw new DraftConflictException(id, $"'{id}' already has a draft (revision {draft.Revision}, saved by {draft.SavedBy} at {draft.SavedAt:u}): publish or discard it first. Nothing was overwritten.");
            }
        }
        // Only the id changes: the rest is the file as written. Publishing numbers the version.
        content["id"] = id;
        // Validated as a publish would be: every error of the file at once, each with its JSON path.
        loader.Parse(content.ToJsonString(), "imported file");
        var saved = await drafts.SaveAsync(id, content, baseRevision: null, who, cancellationToken);
        return new DraftSummary(saved.DefinitionId, saved.Title, saved.Revision, saved.SavedAt, saved.SavedBy, published?.Version);
    }

    private static InvalidDefinitionException Invalid(string path, string reason) => new([new DefinitionError("imported file", path, reason)]);
}
