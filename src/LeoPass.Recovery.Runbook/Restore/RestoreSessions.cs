using Npgsql;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// The restore's sessions on the target are named after the run and the attempt
/// (<c>application_name</c> = <c>leopass run 42 restore attempt 2</c>). Before an attempt
/// restores, every session of an earlier attempt of the same run still connected to the target is
/// terminated, and the attempt waits until they are gone: a node that died mid-restore leaves
/// backends that may still be executing its last statements, and a second <c>pg_restore --clean</c>
/// must not race them. (The dead node's pg_restore itself dies with it: <see cref="Backup.Processes.ChildProcess"/>.)
/// </summary>
public static class RestoreSessions
{
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(30);

    public static string ApplicationName(ActivityContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix(context.RunId, context.Identity.StepId)}{context.Attempt}");

    /// <summary>Terminates the sessions of this run's earlier attempts on the target database; returns how many there were.</summary>
    public static async Task<int> EndEarlierAttemptsAsync(ActivityContext context, string targetConnectionString, CancellationToken cancellationToken)
    {
        var prefix = Prefix(context.RunId, context.Identity.StepId);
        var mine = ApplicationName(context);
        var builder = new NpgsqlConnectionStringBuilder(targetConnectionString) { Pooling = false, ApplicationName = "leopass-recovery" };
        var database = builder.Database;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        const string sql = """
            SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity
            WHERE datname = @database AND pid <> pg_backend_pid() AND starts_with(application_name, @prefix) AND application_name <> @mine
            """;
        var deadline = context.Time.GetUtcNow() + GoneWithin;
        var first = -1;
        while (true)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("database", database ?? "");
            command.Parameters.AddWithValue("prefix", prefix);
            command.Parameters.AddWithValue("mine", mine);
            var found = (int)(await command.ExecuteScalarAsync(cancellationToken) ?? 0);
            if (first < 0) first = found;
            if (found == 0) return first;
            if (context.Time.GetUtcNow() > deadline)
            {
                throw new ActivityFailedException($"{found} session(s) of an earlier restore attempt of run {context.RunId} are still connected to {database} {GoneWithin.TotalSeconds:0} s after being terminated; end them (pg_terminate_backend) and retry");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    private static string Prefix(long runId, string stepId) => string.Create(CultureInfo.InvariantCulture, $"leopass run {runId} {stepId} attempt ");
}
