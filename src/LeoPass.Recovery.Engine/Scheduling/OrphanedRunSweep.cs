using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>
/// On every server: finds runs that should be executing but that nobody executes — Running (or
/// Pending) for longer than the failover time with no process holding the run's lock — and
/// dispatches them, so some node continues them. That is how a run executed by a command's
/// temporary node (which joins no scheduler, so Quartz knows nothing of it) survives a kill -9 of
/// that command; for a server's own runs Quartz's recovery of the dead node's firing does the same
/// and this is a second net. The lock dies with its process's connection, and a node executing a
/// run holds it throughout, so a run found here is one whose executor is gone; one that a node has
/// just been handed finds its lock taken and is left alone (the dispatch then finds nothing to do).
/// </summary>
public sealed class OrphanedRunSweep(EngineConnection connection, EngineOptions options, IRunDispatcher dispatcher, TimeProvider time, ILogger<OrphanedRunSweep> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var runId in await FindAsync(stoppingToken))
                {
                    logger.LogWarning("run {RunId} is running but no node executes it (its executor died): dispatching it to the cluster", runId);
                    await dispatcher.DispatchAsync(runId, cancellationToken: stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or Quartz.SchedulerException)
            {
                logger.LogWarning("looking for runs nobody executes failed ({Error}); looking again in {Interval}", e.Message, options.ClusterCheckinInterval);
            }
            try
            {
                await Task.Delay(options.ClusterCheckinInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs that have waited for an executor longer than the failover time (four check-in intervals).</summary>
    public async Task<IReadOnlyList<long>> FindAsync(CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT r.id FROM engine.runs r WHERE r.state IN ('Running', 'Pending') AND r.updated_at < @quiet_since AND NOT {RunLocks.HeldSql("r.id")} ORDER BY r.id", db);
        command.Parameters.AddWithValue("quiet_since", time.GetUtcNow() - options.ClusterCheckinInterval * 4);
        var found = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetInt64(0));
        return found;
    }
}
