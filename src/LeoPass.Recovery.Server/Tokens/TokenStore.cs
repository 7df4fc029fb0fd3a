using LeoPass.Recovery.Core.Schema;
using LeoPass.Recovery.Server.Roles;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>A token just created: the only moment its text exists outside the caller's hands.</summary>
public sealed record CreatedToken(string Token, ApiToken Record);

/// <summary>Creates, finds and revokes API tokens. Shared by the CLI (`token …`) and the API's authentication.</summary>
public sealed class TokenStore(string connectionString, TimeProvider clock)
{
    /// <summary>A token's last use is written at most this often, so reads do not write on every request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static readonly Lazy<IReadOnlyList<string>> MigrationIds = new(() => SchemaCheck.MigrationIdsOf(typeof(AccessDbContext).Assembly, typeof(AccessDbContext)));

    public AccessDbContext Open() => new(AccessDbContext.OptionsFor(connectionString));

    /// <summary>Creates or upgrades the access tables. Safe from several nodes at once.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        SchemaMigrator.MigrateAsync(connectionString, AccessDbContext.Schema, MigrationIds.Value, async ct =>
        {
            await using var db = Open();
            await db.Database.MigrateAsync(ct);
        }, cancellationToken);

    public async Task<CreatedToken> CreateAsync(string name, ApiRole role, string createdBy, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (!IsValidName(name)) throw new ArgumentException($"token name '{name}' must be 1–64 characters of letters, digits, '.', '_', '-' or '@'", nameof(name));
        var token = TokenFormat.NewToken();
        var record = new ApiToken
        {
            Name = name,
            Role = role,
            Hash = TokenFormat.Hash(token),
            Prefix = token[..TokenFormat.VisiblePrefixLength],
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = createdBy,
        };
        await using var db = Open();
        db.Tokens.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new InvalidOperationException($"a token named '{name}' already exists: revoke it first or choose another name");
        }
        return new CreatedToken(token, record);
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(bool includeRevoked, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        var query = db.Tokens.AsNoTracking();
        if (!includeRevoked) query = query.Where(t => t.RevokedAt == null);
        return await query.OrderBy(t => t.Name).ThenBy(t => t.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Revokes the live token of that name; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        var now = clock.GetUtcNow();
        var changed = await db.Tokens.Where(t => t.Name == name && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        return changed > 0;
    }

    /// <summary>The live token with this text, or null (unknown or revoked). Records its use.</summary>
    public async Task<ApiToken?> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!TokenFormat.LooksLikeToken(token)) return null;
        var hash = TokenFormat.Hash(token);
        await using var db = Open();
        var record = await db.Tokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null, cancellationToken);
        if (record is null) return null;
        var now = clock.GetUtcNow();
        if (record.LastUsedAt is null || now - record.LastUsedAt > LastUsedResolution)
        {
            await db.Tokens.Where(t => t.Id == record.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }
        return record;
    }

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
