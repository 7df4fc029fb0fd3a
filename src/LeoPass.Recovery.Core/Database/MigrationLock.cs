using Npgsql;

namespace LeoPass.Recovery.Core.Database;

/// <summary>
/// Runs a schema migration while holding a PostgreSQL advisory lock, so processes that start on
/// the same database at once (two nodes, two `backup run` commands) migrate one after another: the
/// later ones find the work done. EF's own lock on its history table does not cover every race
/// (two processes each added the same column), so the product does not rely on it.
/// </summary>
public static class MigrationLock
{
    /// <summary>One key for every schema of the product: migrations are rare and short, and one order is simplest to reason about.</summary>
    private const long Key = 0x4C656F5061737331; // "LeoPass1"

    public static async Task RunAsync(string connectionString, Func<CancellationToken, Task> migrate, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            acquire.Parameters.AddWithValue("key", Key);
            acquire.CommandTimeout = 0; // waiting behind another process's migration is the point
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await migrate(cancellationToken);
        }
        finally
        {
            // Closing the session would release it too; unlocking first lets the next process go at once.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", Key);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
