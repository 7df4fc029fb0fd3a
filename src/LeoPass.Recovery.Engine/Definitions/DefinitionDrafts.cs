using System.Text.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// Drafts of definitions, saved from the designer: stored in the engine's database so a draft
/// survives a reload and opens in another browser. One draft per definition id. Drafts are never
/// run and never scheduled — nothing but <see cref="PublishAsync"/> turns one into a version.
/// </summary>
/// <remarks>
/// A save names the revision it was edited from; a save from an older revision is refused
/// (<see cref="DraftConflictException"/>), so two people editing one draft never overwrite each
/// other without knowing.
/// </remarks>
public sealed class DefinitionDrafts(IDbContextFactory<EngineDbContext> dbFactory, DefinitionLoader loader, DefinitionCatalog catalog, TimeProvider time)
{
    public async Task<IReadOnlyList<DefinitionDraftRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DefinitionDrafts.AsNoTracking().OrderBy(d => d.DefinitionId).ToListAsync(cancellationToken);
    }

    public async Task<DefinitionDraftRecord?> FindAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DefinitionDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.DefinitionId == definitionId, cancellationToken);
    }

    /// <summary>
    /// Saves the draft of <paramref name="definitionId"/>. <paramref name="baseRevision"/> is the
    /// revision the author opened (null: they started a new draft, refused when one exists).
    /// </summary>
    public async Task<DefinitionDraftRecord> SaveAsync(string definitionId, JsonObject content, int? baseRevision, string who, CancellationToken cancellationToken = default)
    {
        var id = content["id"] is JsonValue v && v.TryGetValue<string>(out var named) ? named : null;
        if (id != definitionId)
        {
            throw new InvalidDefinitionException([new DefinitionError("draft", "$.id", $"the draft's id is '{id}', but it is saved as the draft of '{definitionId}': a draft keeps its definition's id (import it as new to change the id)")]);
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.DefinitionDrafts.SingleOrDefaultAsync(d => d.DefinitionId == definitionId, cancellationToken);
        var now = time.GetUtcNow();
        var title = content["title"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : definitionId;
        if (existing is null)
        {
            if (baseRevision is > 0)
            {
                throw new DraftConflictException(definitionId, $"the draft of '{definitionId}' (revision {baseRevision}) no longer exists: it was published or discarded. Reload to see the definition as it is now.");
            }
            existing = new DefinitionDraftRecord { DefinitionId = definitionId, Revision = 1 };
            db.DefinitionDrafts.Add(existing);
        }
        else
        {
            if (baseRevision != existing.Revision)
            {
                throw new DraftConflictException(definitionId,
                    $"the draft of '{definitionId}' was saved by {existing.SavedBy} at {existing.SavedAt:u} (revision {existing.Revision}) after the revision you edited ({(baseRevision is null ? "none: you started a new draft" : baseRevision)}): reload the draft, or import your file as a new definition");
            }
            existing.Revision++;
        }
        existing.Title = title;
        existing.Content = content.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        existing.SavedAt = now;
        existing.SavedBy = who;
        db.Audit.Add(new AuditRecord { At = now, Who = who, Action = "definition.draft.save", Details = $"{definitionId} draft revision {existing.Revision}" });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            throw new DraftConflictException(definitionId, $"the draft of '{definitionId}' was saved by someone else at the same moment: reload it");
        }
        return existing;
    }

    /// <summary>Discards the draft; true when there was one.</summary>
    public async Task<bool> DiscardAsync(string definitionId, string who, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deleted = await db.DefinitionDrafts.Where(d => d.DefinitionId == definitionId).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            db.Audit.Add(new AuditRecord { At = time.GetUtcNow(), Who = who, Action = "definition.draft.discard", Details = definitionId });
            await db.SaveChangesAsync(cancellationToken);
        }
        return deleted > 0;
    }

    /// <summary>
    /// Publishes the draft as the next version (newest published + 1, or 1): validated like any
    /// definition, so an invalid draft is refused with every error by JSON path and stays a draft.
    /// The draft is removed once its version is published.
    /// </summary>
    public async Task<DefinitionVersionRecord> PublishAsync(string definitionId, int revision, string who, CancellationToken cancellationToken = default)
    {
        var draft = await FindAsync(definitionId, cancellationToken) ?? throw new NotFoundException($"definition '{definitionId}' has no draft to publish");
        if (draft.Revision != revision)
        {
            throw new DraftConflictException(definitionId, $"the draft of '{definitionId}' is at revision {draft.Revision} (saved by {draft.SavedBy} at {draft.SavedAt:u}), not {revision}: reload it before publishing");
        }
        var content = JsonNode.Parse(draft.Content)!.AsObject();
        var latest = await catalog.FindLatestAsync(definitionId, cancellationToken);
        content["version"] = (latest?.Version ?? 0) + 1;
        var loaded = loader.Parse(content.ToJsonString(), $"designer draft ({who})");
        var record = await catalog.PublishAsync(loaded, who, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.DefinitionDrafts.Where(d => d.DefinitionId == definitionId && d.Revision == revision).ExecuteDeleteAsync(cancellationToken);
        return record;
    }
}

/// <summary>A draft save or publish that would overwrite someone else's later save, or refer to a draft that is gone.</summary>
public sealed class DraftConflictException(string definitionId, string message) : Exception(message)
{
    public string DefinitionId { get; } = definitionId;
}
