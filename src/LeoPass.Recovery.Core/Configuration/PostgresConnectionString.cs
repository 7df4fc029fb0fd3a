using System.Globalization;
using Npgsql;

namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// Accepts both a libpq URL (<c>postgresql://user:pass@host:port/db?sslmode=require</c>, as
/// Prisma and the runbook write it) and a plain Npgsql connection string, and returns an
/// Npgsql connection string. Npgsql itself does not parse URLs.
/// </summary>
public static class PostgresConnectionString
{
    public static string Parse(string value, string variableName)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
            text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(text, variableName);
        }
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(text);
            if (string.IsNullOrEmpty(builder.Host))
            {
                throw Invalid(variableName, "it names no Host");
            }
            return builder.ConnectionString;
        }
        catch (ArgumentException e)
        {
            // The message of ArgumentException never repeats the password; the variable name is what the user needs.
            throw Invalid(variableName, e.Message);
        }
    }

    /// <summary>The database name a connection string points at.</summary>
    public static string DatabaseOf(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Database ?? "postgres";

    /// <summary>The same server and credentials, another database.</summary>
    public static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    /// <summary>Host:port/database, safe to print: no user, no password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    /// <summary>A postgresql:// URL for tools that take one (pg_dump, Prisma); the password is percent-encoded.</summary>
    public static string ToUrl(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var auth = b.Username is null ? "" :
            Uri.EscapeDataString(b.Username) + (b.Password is null ? "" : ":" + Uri.EscapeDataString(b.Password)) + "@";
        var host = b.Host ?? "localhost";
        if (host.StartsWith('/')) host = "localhost"; // a socket directory cannot be written in the authority part
        var query = b.SslMode == SslMode.Prefer ? "" : "?sslmode=" + b.SslMode.ToString().ToLowerInvariant();
        return $"postgresql://{auth}{host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "postgres")}{query}";
    }

    private static string FromUrl(string text, string variableName)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw Invalid(variableName, "it is not a well-formed URL");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
        };
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            throw Invalid(variableName, "it names no database (expected …/dbname)");
        }
        builder.Database = database;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            ApplyQueryParameter(builder, key, value, variableName);
        }
        return builder.ConnectionString;
    }

    private static void ApplyQueryParameter(NpgsqlConnectionStringBuilder builder, string key, string value, string variableName)
    {
        switch (key.ToLowerInvariant())
        {
            case "sslmode":
                builder.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw Invalid(variableName, $"sslmode '{value}' is unknown (disable, allow, prefer, require, verify-ca, verify-full)"),
                };
                break;
            case "connect_timeout":
                builder.Timeout = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "schema":
                // Prisma's own parameter: the search path of the application's tables.
                builder.SearchPath = value;
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            default:
                // Prisma adds parameters of its own (connection_limit, pool_timeout, …) that mean nothing to libpq.
                break;
        }
    }

    private static ConfigurationException Invalid(string variableName, string reason) =>
        new($"{variableName} is not a valid PostgreSQL connection: {reason}. Expected postgresql://user:password@host:port/database?sslmode=… or an Npgsql connection string (Host=…;Database=…).");
}
