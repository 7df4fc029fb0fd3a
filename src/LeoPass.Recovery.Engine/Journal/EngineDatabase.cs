using LeoPass.Recovery.Core.Schema;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>Brings the engine schema (engine tables and Quartz tables) up to date.</summary>
public static class EngineDatabase
{
    private static readonly Lazy<IReadOnlyList<string>> MigrationIds = new(() => SchemaCheck.MigrationIdsOf(typeof(EngineDbContext).Assembly, typeof(EngineDbContext)));

    /// <summary>Applies pending migrations (<see cref="SchemaMigrator"/>). Safe from several nodes at once.</summary>
    public static Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default) =>
        SchemaMigrator.MigrateAsync(connectionString, EngineDbContext.Schema, MigrationIds.Value, async ct =>
        {
            var builder = new DbContextOptionsBuilder<EngineDbContext>();
            EngineDbContext.Configure(builder, connectionString);
            await using var db = new EngineDbContext(builder.Options);
            await db.Database.MigrateAsync(ct);
        }, cancellationToken);
}
