using LeoPass.Recovery.Core.Schema;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.TestSupport;
using Npgsql;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

/// <summary>
/// Two `backup run` commands on a new database once failed with "column already exists": both
/// applied the same migration. Every process now migrates under one advisory lock.
/// </summary>
public sealed class ConcurrentMigrationTests
{
    [Fact]
    public async Task Eight_processes_migrating_a_new_database_at_once_all_succeed_and_apply_each_migration_once()
    {
        var database = await PostgresServer.CreateDatabaseAsync("migrate");

        var migrations = Enumerable.Range(0, 8).Select(_ => Task.Run(() => EngineDatabase.MigrateAsync(database.ConnectionString)));
        await Task.WhenAll(migrations);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), count(DISTINCT migration_id) FROM {EngineDbContext.Schema}.{MigrationHistory.Table}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (applied, distinct) = (reader.GetInt64(0), reader.GetInt64(1));
        Assert.True(applied > 0, "no migration was recorded");
        Assert.Equal(distinct, applied);
    }
}
