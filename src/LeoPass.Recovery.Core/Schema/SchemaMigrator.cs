using LeoPass.Recovery.Core.Database;
using Npgsql;

namespace LeoPass.Recovery.Core.Schema;

/// <summary>How each of the product's schemas is brought up to date: the same steps for every DbContext.</summary>
public static class SchemaMigrator
{
    /// <summary>
    /// Applies pending migrations of <paramref name="schema"/>, when there are any: most starts find
    /// the schema current with one query (<see cref="SchemaCheck"/>). Several nodes or commands
    /// starting at once migrate one after another under <see cref="MigrationLock"/>; the later ones
    /// find nothing to do. An earlier release's history table is renamed first
    /// (<see cref="MigrationHistory"/>), so the check fails on it once and then finds the new name.
    /// </summary>
    /// <param name="migrate">EF Core's migrator for the schema's DbContext (Core does not reference EF Core).</param>
    public static async Task MigrateAsync(string connectionString, string schema, IReadOnlyCollection<string> migrationIds,
        Func<CancellationToken, Task> migrate, CancellationToken cancellationToken = default)
    {
        if (await SchemaCheck.IsCurrentAsync(connectionString, schema, MigrationHistory.Table, migrationIds, cancellationToken)) return;
        await MigrationLock.RunAsync(connectionString, async ct =>
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(ct);
                // The history table lives in the schema, which must exist before EF looks for it.
                await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS \"{schema}\"", connection))
                {
                    await create.ExecuteNonQueryAsync(ct);
                }
                await MigrationHistory.AdoptEarlierNamesAsync(connection, schema, ct);
            }
            await migrate(ct);
        }, cancellationToken);
    }
}
