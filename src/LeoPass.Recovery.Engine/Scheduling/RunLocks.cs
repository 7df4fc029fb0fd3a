using LeoPass.Recovery.Engine.Nodes;
using Medallion.Threading.Postgres;

namespace LeoPass.Recovery.Engine.Scheduling;

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
}
