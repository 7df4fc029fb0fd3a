using System.Collections.Concurrent;
using LeoPass.Recovery.Engine.Journal;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>Definitions as the database holds them: published versions, immutable once written.</summary>
/// <remarks>
/// Versioning rule: a published (id, version) never changes. Publishing the same content again is
/// a no-op; publishing different content under an existing version is refused with
/// <see cref="DefinitionVersionConflictException"/> — raise "version" in the file instead. This
/// keeps every run's pinned definition meaning what it meant when the run started, and never
/// bumps a version behind its author's back (two nodes with different files would otherwise
/// race to invent version numbers).
/// </remarks>
public sealed class DefinitionCatalog(IDbContextFactory<EngineDbContext> dbFactory, DefinitionLoader loader, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, WorkflowDefinition> _parsed = new();

    public async Task<DefinitionVersionRecord> PublishAsync(LoadedDefinition loaded, string who, CancellationToken cancellationToken = default)
    {
        var definition = loaded.Definition;
        var followErrors = await FollowedDefinitionCheck.ErrorsAsync(definition, loaded.Source, this, cancellationToken);
        if (followErrors.Count > 0) throw new InvalidDefinitionException(followErrors);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Nodes starting together publish the same files at the same moment: one waits for the other
        // here and then finds its version, instead of losing a unique-key race (and logging an error for it).
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PublishLockKey}, {StableHash(definition.Id)})", cancellationToken);
        var existing = await db.DefinitionVersions.AsNoTracking()
            .SingleOrDefaultAsync(d => d.DefinitionId == definition.Id && d.Version == definition.Version, cancellationToken);
        if (existing is not null)
        {
            // Versions published before hashes were canonical carry a hash of their text as first
            // written: the stored content, hashed again canonically, is the comparison that holds for both.
            if (existing.ContentHash == loaded.ContentHash || CanonicalJson.Hash(existing.Content) == loaded.ContentHash)
            {
                Remember(existing, loaded);
                return existing;
            }
            throw new DefinitionVersionConflictException(loaded.Source, definition.Id, definition.Version, existing.Source);
        }
        var record = new DefinitionVersionRecord
        {
            DefinitionId = definition.Id,
            Version = definition.Version,
            Title = definition.Title,
            ContentHash = loaded.ContentHash,
            Content = loaded.Content,
            Source = loaded.Source,
            PublishedAt = time.GetUtcNow(),
            PublishedBy = who,
        };
        db.DefinitionVersions.Add(record);
        db.Audit.Add(new AuditRecord { At = record.PublishedAt, Who = who, Action = "definition.publish", Details = $"{definition.Id} v{definition.Version} from {loaded.Source} ({loaded.ContentHash[..12]})" });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Remember(record, loaded);
        return record;
    }

    /// <summary>
    /// The definition just validated is the one a run of this version executes: kept, so a node's
    /// first run of it does not parse and validate the stored copy again (the JSON schema check alone
    /// cost a server's first step of a run a second of compiling under load).
    /// </summary>
    private void Remember(DefinitionVersionRecord record, LoadedDefinition loaded) => _parsed.TryAdd(record.Id, loaded.Definition);

    /// <summary>True when a version with each of these content hashes is published (a null hash is never published).</summary>
    public async Task<bool> AllPublishedAsync(IReadOnlyList<string?> contentHashes, CancellationToken cancellationToken = default)
    {
        if (contentHashes.Any(h => h is null)) return false;
        var wanted = contentHashes.Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.DefinitionVersions.AsNoTracking().Where(d => wanted.Contains(d.ContentHash)).Select(d => d.ContentHash).Distinct().CountAsync(cancellationToken);
        return found == wanted.Count;
    }

    /// <summary>First key of the publish lock (pg_advisory_xact_lock(int, int)): "LPdf", apart from the engine's other locks.</summary>
    private const int PublishLockKey = 0x4C506466;

    /// <summary>A hash of the definition id that every node computes alike (string.GetHashCode differs per process).</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return unchecked((int)hash);
    }

    /// <summary>The newest published version of a definition, or null.</summary>
    public async Task<DefinitionVersionRecord?> FindLatestAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DefinitionVersions.AsNoTracking().Where(d => d.DefinitionId == definitionId)
            .OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>One published version of a definition, or null.</summary>
    public async Task<DefinitionVersionRecord?> FindVersionAsync(string definitionId, int version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DefinitionVersions.AsNoTracking().SingleOrDefaultAsync(d => d.DefinitionId == definitionId && d.Version == version, cancellationToken);
    }

    /// <summary>Every published version of a definition, newest first (the designer's version history).</summary>
    public async Task<IReadOnlyList<DefinitionVersionRecord>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DefinitionVersions.AsNoTracking().Where(d => d.DefinitionId == definitionId).OrderByDescending(d => d.Version).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DefinitionVersionRecord>> ListLatestAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await db.DefinitionVersions.AsNoTracking().ToListAsync(cancellationToken);
        return all.GroupBy(d => d.DefinitionId).Select(g => g.MaxBy(d => d.Version)!).OrderBy(d => d.DefinitionId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The newest version of each definition whose trigger is <c>after</c> <paramref name="leaderId"/>
    /// (after any definition when null), parsed. Chosen in SQL from the stored JSON, so a run's success
    /// parses and validates its followers only, not every published definition.
    /// </summary>
    public async Task<IReadOnlyList<WorkflowDefinition>> ListFollowersAsync(string? leaderId, CancellationToken cancellationToken = default)
    {
        List<long> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ids = await db.DefinitionVersions.FromSqlInterpolated($"""
                SELECT * FROM (SELECT DISTINCT ON (definition_id) * FROM engine.definition_versions ORDER BY definition_id, version DESC) latest
                WHERE content -> 'trigger' ->> 'type' = 'after'
                  AND ({leaderId}::text IS NULL OR content -> 'trigger' -> 'after' ->> 'definition' = {leaderId}::text)
                """).Select(d => d.Id).ToListAsync(cancellationToken);
        }
        var followers = new List<WorkflowDefinition>(ids.Count);
        foreach (var id in ids) followers.Add(await GetVersionAsync(id, cancellationToken));
        return followers;
    }

    /// <summary>The definition a run pinned, parsed from its stored snapshot (cached: versions never change).</summary>
    public async Task<WorkflowDefinition> GetVersionAsync(long definitionVersionId, CancellationToken cancellationToken = default)
    {
        if (_parsed.TryGetValue(definitionVersionId, out var cached)) return cached;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.DefinitionVersions.AsNoTracking().SingleAsync(d => d.Id == definitionVersionId, cancellationToken);
        var parsed = loader.Parse(record.Content, $"{record.DefinitionId} v{record.Version} (stored)").Definition;
        _parsed[definitionVersionId] = parsed;
        return parsed;
    }
}

/// <summary>A definition file changed without its version being raised.</summary>
public sealed class DefinitionVersionConflictException(string source, string definitionId, int version, string publishedFrom)
    : Exception($"{source}: $.version: definition '{definitionId}' version {version} is already published (from {publishedFrom}) with different content; raise \"version\" to publish the change")
{
    public string DefinitionId { get; } = definitionId;
    public int Version { get; } = version;
}
