using Npgsql;

namespace LeoPass.Recovery.Engine.Nodes;

/// <summary>Which engine nodes are alive, read from Quartz's own check-in table.</summary>
public sealed class ClusterNodes(EngineConnection connection, EngineOptions options, TimeProvider time)
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

    /// <summary>When <paramref name="node"/> last checked in with this cluster and at what interval, or null when it has no check-in (it left, or never joined).</summary>
    public async Task<NodeCheckin?> CheckinOfAsync(string node, CancellationToken cancellationToken = default)
    {
        await using var db = new NpgsqlConnection(connection.ConnectionString);
        await db.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT last_checkin_time, checkin_interval FROM engine.qrtz_scheduler_state WHERE sched_name = @name AND instance_name = @node", db);
        command.Parameters.AddWithValue("name", options.SchedulerName);
        command.Parameters.AddWithValue("node", node);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        // Quartz stores check-ins as UTC ticks and the interval in milliseconds.
        return new NodeCheckin(new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero), TimeSpan.FromMilliseconds(reader.GetInt64(1)));
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

/// <summary>A node's last check-in and its check-in interval.</summary>
/// <param name="FailoverTime">
/// Four intervals: the other nodes count it dead once its check-in is an interval plus the misfire
/// threshold (two intervals) late, and notice at their next check-in, at most one interval later.
/// A node silent for longer is presumed dead.
/// </param>
public sealed record NodeCheckin(DateTimeOffset At, TimeSpan Interval)
{
    public TimeSpan FailoverTime => Interval * 4;
}
