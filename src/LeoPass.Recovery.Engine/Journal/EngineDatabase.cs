using LeoPass.Recovery.Core.Schema;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>Brings the engine schema (engine tables and Quartz tables) up to date.</summary>
public static class EngineDatabase
{
    private static readonly Lazy<IReadOnlyList<string>> MigrationIds = new(() => SchemaCheck.MigrationIdsOf(typeof(EngineDbContext).Assembly, typeof(EngineDbContext)));

    /// <summary>
    /// Applies pending migrations, when there are any (<see cref="SchemaCheck"/>). Several nodes starting at once each try: EF takes a lock on its
    /// history table, so they apply one after another and the later ones find nothing to do.
    /// </summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        if (await SchemaCheck.IsCurrentAsync(connectionString, EngineDbContext.Schema, EngineDbContext.MigrationsHistoryTable, MigrationIds.Value, cancellationToken)) return;
        var builder = new DbContextOptionsBuilder<EngineDbContext>();
        EngineDbContext.Configure(builder, connectionString);
        await using var db = new EngineDbContext(builder.Options);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            // EF's own lock needs the schema of its history table to exist.
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {EngineDbContext.Schema}", connection);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Two nodes created it at the same instant; it exists, which is all we need.
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
            {
                // Nodes started together raced to create the history table; the next try finds it.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }
}
