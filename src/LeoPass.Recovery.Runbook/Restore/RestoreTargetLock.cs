using Npgsql;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// A session advisory lock on the target server, one per restore-target database name, held by
/// whatever replaces or drops that database: the provision step (drop, create, mark) and an abort's
/// drop (check the mark, drop). Without it an abort could read its run's mark, another run's
/// provision could then drop and recreate the database under the same name, and the abort's
/// <c>DROP DATABASE</c> would remove the other run's fresh target.
/// </summary>
/// <remarks>
/// Advisory locks are scoped to one database, so every holder takes it on a connection to the
/// target server's <c>postgres</c> database; it is released on dispose, or by the server when the
/// connection ends (a node killed while holding it blocks nobody).
/// </remarks>
public sealed class RestoreTargetLock : IAsyncDisposable
{
    // The first key of the two-key form: "LPRT" (LeoPass restore target), so no other advisory lock
    // taken on this server (Quartz's, an application's) can share these keys by accident.
    private const int Namespace = 0x4C505254;

    private readonly NpgsqlConnection _admin;
    private readonly string _database;

    private RestoreTargetLock(NpgsqlConnection admin, string database)
    {
        _admin = admin;
        _database = database;
    }

    /// <summary>Waits until no other holder has <paramref name="database"/>'s lock, then holds it on <paramref name="admin"/>.</summary>
    public static async Task<RestoreTargetLock> AcquireAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@namespace, hashtext(@database))", admin);
        command.Parameters.AddWithValue("namespace", Namespace);
        command.Parameters.AddWithValue("database", database);
        // No command timeout: a drop or a provision holding it ends in seconds, and a dead holder's lock
        // goes with its connection; cancellation still ends the wait.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new RestoreTargetLock(admin, database);
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin.FullState != System.Data.ConnectionState.Open) return;
        await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@namespace, hashtext(@database))", _admin);
        command.Parameters.AddWithValue("namespace", Namespace);
        command.Parameters.AddWithValue("database", _database);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
