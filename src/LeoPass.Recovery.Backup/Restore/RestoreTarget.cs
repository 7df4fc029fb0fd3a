using Npgsql;

namespace LeoPass.Recovery.Backup.Restore;

/// <summary>The database a restore writes into, and the checks that keep it from being the wrong one.</summary>
public static class RestoreTarget
{
    /// <summary>
    /// Refuses a target that is the source database (DATABASE_URL): a restore runs
    /// <c>pg_restore --clean</c>, which drops objects, and must never touch production's live data.
    /// </summary>
    public static void EnsureNotSource(string target, string? source)
    {
        if (source is null) return;
        if (SameDatabase(target, source))
        {
            throw new BackupException(
                $"refusing to restore into {PostgresConnectionString.Describe(target)}: it is the source database named by DATABASE_URL. Restore into a new database and repoint services to it.") { Stage = "provision" };
        }
    }

    public static bool SameDatabase(string a, string b)
    {
        var x = new NpgsqlConnectionStringBuilder(a);
        var y = new NpgsqlConnectionStringBuilder(b);
        return string.Equals(Normalise(x.Host), Normalise(y.Host), StringComparison.OrdinalIgnoreCase)
            && x.Port == y.Port
            && string.Equals(x.Database, y.Database, StringComparison.Ordinal);
    }

    private static string Normalise(string? host) => host is null or "localhost" or "::1" or "127.0.0.1" ? "loopback" : host;

    /// <summary>Creates the target database when it does not exist (connecting to the server's maintenance database).</summary>
    public static async Task<bool> EnsureExistsAsync(string target, CancellationToken cancellationToken)
    {
        var name = PostgresConnectionString.DatabaseOf(target);
        await using var connection = new NpgsqlConnection(PostgresConnectionString.WithDatabase(target, "postgres"));
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new BackupException($"cannot connect to the target server {PostgresConnectionString.Describe(target)}: {e.Message}", e) { Stage = "provision" };
        }
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return false;
        }
        await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(name)}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
