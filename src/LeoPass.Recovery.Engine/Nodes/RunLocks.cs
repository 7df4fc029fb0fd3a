using Medallion.Threading.Postgres;

namespace LeoPass.Recovery.Engine.Nodes;

/// <summary>
/// One PostgreSQL advisory lock per run, held on a dedicated connection for as long as a node
/// executes the run, so no two nodes ever execute the same run even if Quartz were to fire it
/// twice (a node wrongly declared dead, the CLI's temporary node). The lock dies with its
/// connection, so a killed node releases it at once.
/// </summary>
public sealed class RunLocks(EngineConnection connection)
{
    /// <summary>First key of the two-part advisory key: "LPRN", keeps our locks apart from other users of advisory locks.</summary>
    private const int Namespace = 0x4C50524E;

    public async Task<PostgresDistributedLockHandle?> TryAcquireAsync(long runId, CancellationToken cancellationToken)
    {
        var key = new PostgresAdvisoryLockKey(Namespace, checked((int)runId));
        var runLock = new PostgresDistributedLock(key, connection.ConnectionString, o => o.KeepaliveCadence(TimeSpan.FromSeconds(5)));
        return await runLock.TryAcquireAsync(TimeSpan.Zero, cancellationToken);
    }

    /// <summary>
    /// Whether some session holds the run's lock now: the run is being executed by a live process,
    /// whether or not that process checks in with the cluster (a command's temporary node does not).
    /// </summary>
    public async Task<bool> IsHeldAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand($"SELECT {HeldSql("@run")}", db);
        command.Parameters.AddWithValue("run", runId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// SQL that is true while a session holds the lock of the run whose id <paramref name="runId"/>
    /// names (a parameter or a column). A lock on two int keys shows in pg_locks as classid = first
    /// key, objid = second key, objsubid = 2; advisory locks are per database.
    /// </summary>
    internal static string HeldSql(string runId) =>
        $"EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = {Namespace}::oid " +
        $"AND l.objid = ({runId})::oid AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))";
}
