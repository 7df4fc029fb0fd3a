using LeoPass.Recovery.Core.Schema;
using Microsoft.EntityFrameworkCore;
using LeoPass.Recovery.Core.Database;
using Npgsql;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>Brings the engine schema (engine tables and Quartz tables) up to date.</summary>
public static class EngineDatabase
{
    private static readonly Lazy<IReadOnlyList<string>> MigrationIds = new(() => SchemaCheck.MigrationIdsOf(typeof(EngineDbContext).Assembly, typeof(EngineDbContext)));

    /// <summary>
    /// Applies pending migrations, when there are any (<see cref="SchemaCheck"/>: most starts find the
    /// schema current with one query). Several nodes or commands starting at once migrate one after
    /// another under <see cref="MigrationLock"/>; the later ones find nothing to do.
    /// </summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        if (await SchemaCheck.IsCurrentAsync(connectionString, EngineDbContext.Schema, EngineDbContext.MigrationsHistoryTable, MigrationIds.Value, cancellationToken)) return;
        await MigrationLock.RunAsync(connectionString, async ct =>
        {
            // EF's history table lives in the engine schema, which must exist before EF looks for it.
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {EngineDbContext.Schema}", connection);
                await command.ExecuteNonQueryAsync(ct);
            }
            var builder = new DbContextOptionsBuilder<EngineDbContext>();
            EngineDbContext.Configure(builder, connectionString);
            await using var db = new EngineDbContext(builder.Options);
            await db.Database.MigrateAsync(ct);
        }, cancellationToken);
    }
}
