using LeoPass.Recovery.Backup.Restore;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// A restore target as the run that created it left it: its mark is the database comment the
/// provision step wrote (<see cref="RestoreTargetPlan.CreatedBy"/>). Only a database still carrying
/// a run's mark may be dropped for that run — by an abort (<c>onAbort.restoreTarget: drop</c>) or by
/// the run's own clean-up step (verify-restore's scratch database).
/// </summary>
public static class MarkedDatabase
{
    /// <summary>The database's comment, or null when it has none or does not exist.</summary>
    public static async Task<string?> MarkOfAsync(string connection, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(PostgresConnectionString.WithDatabase(connection, "postgres"));
        await admin.OpenAsync(cancellationToken);
        return await MarkOfAsync(admin, PostgresConnectionString.DatabaseOf(connection), cancellationToken);
    }

    private static async Task<string?> MarkOfAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name", admin);
        command.Parameters.AddWithValue("name", database);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// Drops the database if it still carries run <paramref name="runId"/>'s mark; returns false when
    /// it does not exist. Throws <see cref="InvalidOperationException"/> when it exists with another
    /// mark (another run's database, or one someone re-created): that one is never dropped.
    /// </summary>
    public static async Task<bool> DropIfMarkedAsync(string connection, long runId, CancellationToken cancellationToken)
    {
        var name = PostgresConnectionString.DatabaseOf(connection);
        await using var admin = new NpgsqlConnection(PostgresConnectionString.WithDatabase(connection, "postgres"));
        await admin.OpenAsync(cancellationToken);
        // DROP DATABASE cannot be made conditional on the comment, so the mark is read and the
        // database dropped under the lock every provision takes: no other run can replace the
        // database between the two statements.
        await using (await RestoreTargetLock.AcquireAsync(admin, name, cancellationToken))
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin))
            {
                exists.Parameters.AddWithValue("name", name);
                if (await exists.ExecuteScalarAsync(cancellationToken) is null) return false;
            }
            if (await MarkOfAsync(admin, name, cancellationToken) != RestoreTargetPlan.CreatedBy(runId))
            {
                throw new InvalidOperationException($"database {name} no longer carries the mark of run {runId}");
            }
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {RestoreTarget.QuoteIdentifier(name)} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        // FORCE ended every session, this process's pooled ones too.
        await using var pooled = new NpgsqlConnection(connection);
        NpgsqlConnection.ClearPool(pooled);
        return true;
    }
}
