using System.Net;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Infrastructure;

/// <summary>What the standby's PostgreSQL says about itself, read with the configured credentials (read-only: nothing is created).</summary>
/// <param name="DataDirectory">The server's data directory when the role may read it (superuser or pg_read_all_settings), else null.</param>
public sealed record TargetServer(Version Version, bool CanCreateDatabases, string? DataDirectory, bool OnThisMachine);

public static class TargetServerProbe
{
    /// <summary>Connects to the target server's <c>postgres</c> database; throws NpgsqlException or TimeoutException when it cannot.</summary>
    public static async Task<TargetServer> ReadAsync(string targetConnection, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithDatabase(targetConnection, "postgres"))
        {
            Timeout = 10,
            Pooling = false,
            ApplicationName = "leopass-recovery infrastructure check",
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user),
                   (SELECT setting FROM pg_settings WHERE name = 'data_directory')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var canCreate = !reader.IsDBNull(0) && reader.GetBoolean(0);
        var dataDirectory = reader.IsDBNull(1) ? null : reader.GetString(1);
        return new TargetServer(connection.PostgreSqlVersion, canCreate, dataDirectory, IsThisMachine(builder.Host));
    }

    /// <summary>A Unix socket or a loopback address: the server's paths are this machine's paths.</summary>
    private static bool IsThisMachine(string? host) =>
        host is null || host.StartsWith('/') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
