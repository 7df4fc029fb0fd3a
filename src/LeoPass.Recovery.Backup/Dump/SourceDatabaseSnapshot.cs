using Npgsql;

namespace LeoPass.Recovery.Backup.Dump;

/// <summary>
/// Holds a read-only, repeatable-read transaction on the source database and exports its
/// snapshot, so pg_dump (started with <c>--snapshot</c>) and the per-table row counts written
/// into the manifest see exactly the same data. Disposing ends the transaction.
/// </summary>
public sealed class SourceDatabaseSnapshot : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private SourceDatabaseSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshotId, string databaseName, string serverVersion)
    {
        _connection = connection;
        _transaction = transaction;
        SnapshotId = snapshotId;
        DatabaseName = databaseName;
        ServerVersion = serverVersion;
    }

    public string SnapshotId { get; }
    public string DatabaseName { get; }
    public string ServerVersion { get; }

    public static async Task<SourceDatabaseSnapshot> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "leopass-recovery", Timeout = 15 }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync();
            throw new BackupException($"cannot connect to the source database {PostgresConnectionString.Describe(connectionString)} (DATABASE_URL): {e.Message}", e);
        }
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }
        string snapshotId;
        await using (var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshotId = (string)(await export.ExecuteScalarAsync(cancellationToken))!;
        }
        var serverVersion = connection.PostgreSqlVersion.ToString();
        return new SourceDatabaseSnapshot(connection, transaction, snapshotId, connection.Database, serverVersion);
    }

    /// <summary>Exact row counts of every ordinary table outside the system schemas, in the snapshot.</summary>
    public async Task<IReadOnlyList<ManifestTable>> CountRowsAsync(CancellationToken cancellationToken)
    {
        var tables = new List<(string Schema, string Name)>();
        await using (var list = new NpgsqlCommand("""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
              AND n.nspname NOT LIKE 'pg_temp%'
            ORDER BY 1, 2
            """, _connection, _transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) tables.Add((reader.GetString(0), reader.GetString(1)));
        }
        var result = new List<ManifestTable>(tables.Count);
        foreach (var (schema, name) in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Quote(schema)}.{Quote(name)}", _connection, _transaction) { CommandTimeout = 0 };
            result.Add(new ManifestTable(schema, name, (long)(await count.ExecuteScalarAsync(cancellationToken))!));
        }
        return result;
    }

    /// <summary>The newest finished Prisma migration, or null when the database has no <c>_prisma_migrations</c> table.</summary>
    public Task<ManifestMigration?> LatestMigrationAsync(CancellationToken cancellationToken) =>
        Restore.PrismaMigrations.LatestAsync(_connection, _transaction, cancellationToken);

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.RollbackAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection may already be broken; ending it below releases the snapshot either way.
        }
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
