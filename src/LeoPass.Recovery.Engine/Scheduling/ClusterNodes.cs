using LeoPass.Recovery.Engine.Hosting;
using Npgsql;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>Which engine nodes are alive, read from Quartz's own check-in table.</summary>
public sealed class ClusterNodes(Persistence.EngineConnection connection, EngineOptions options, TimeProvider time)
{
    /// <summary>Nodes whose last check-in is recent enough that the cluster still counts them alive.</summary>
    public async Task<IReadOnlyList<string>> LiveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT instance_name, last_checkin_time, checkin_interval FROM engine.qrtz_scheduler_state WHERE sched_name = @name", db);
        command.Parameters.AddWithValue("name", options.SchedulerName);
        var live = new List<string>();
        var now = time.GetUtcNow();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Quartz stores check-ins as UTC ticks and the interval in milliseconds.
            var lastCheckin = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
            var interval = TimeSpan.FromMilliseconds(reader.GetInt64(2));
            if (now - lastCheckin < interval * 2 + options.ClusterCheckinMisfireThreshold) live.Add(reader.GetString(0));
        }
        return live;
    }

    /// <summary>
    /// Removes this node's check-in once its scheduler has stopped. Quartz leaves the row behind,
    /// so for a few seconds after a clean stop the node still looked alive: a `--wait` started
    /// then trusted it to execute the run and waited for a node that was gone.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "DELETE FROM engine.qrtz_scheduler_state WHERE sched_name = @name AND instance_name = @node", db);
        command.Parameters.AddWithValue("name", options.SchedulerName);
        command.Parameters.AddWithValue("node", options.NodeId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
