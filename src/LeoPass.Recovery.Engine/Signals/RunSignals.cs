using System.Globalization;
using LeoPass.Recovery.Engine.Nodes;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeoPass.Recovery.Engine.Signals;

/// <summary>
/// Tells every node of the cluster, through PostgreSQL NOTIFY, that a run is ready to execute (new,
/// approved, retried, resumed, skipped past) or was aborted. Sent after the change is committed, so
/// a node that hears it finds the change. A notification is a hint, never the record: one that is
/// lost (the listener's connection dropped at that moment) is made up by the nodes' poll
/// (<see cref="EngineOptions.IdleWaitTime"/>) and the executing node's abort watch.
/// </summary>
public sealed class RunSignals(EngineConnection connection, EngineOptions options, ILogger<RunSignals> logger)
{
    /// <summary>The one channel of every installation on a database; the payload names the cluster.</summary>
    public const string Channel = "leopass_runs";

    public Task RunReadyAsync(long runId) => SendAsync(RunSignal.Ready, runId);

    public Task RunAbortedAsync(long runId) => SendAsync(RunSignal.Aborted, runId);

    private async Task SendAsync(string kind, long runId)
    {
        if (!options.SendRunSignals) return;
        try
        {
            await using var db = new NpgsqlConnection(connection.ConnectionString);
            await db.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", db);
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("payload", RunSignal.Format(kind, runId, options.SchedulerName));
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The change is committed; the nodes' poll finds it, only later.
            logger.LogWarning("could not notify the cluster that run {RunId} is {Kind} ({Error}); nodes find it at their next poll", runId, kind, e.Message);
        }
    }
}

/// <summary>The payload of a <see cref="RunSignals.Channel"/> notification: <c>kind:runId:scheduler</c>.</summary>
public sealed record RunSignal(string Kind, long RunId, string SchedulerName)
{
    public const string Ready = "ready";
    public const string Aborted = "aborted";

    public static string Format(string kind, long runId, string schedulerName) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}:{runId}:{schedulerName}");

    /// <summary>Null for a payload this version does not understand (another version's kind): ignored.</summary>
    public static RunSignal? Parse(string payload)
    {
        var parts = payload.Split(':', 3);
        return parts.Length == 3 && parts[0] is Ready or Aborted && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var runId)
            ? new RunSignal(parts[0], runId, parts[2])
            : null;
    }
}
