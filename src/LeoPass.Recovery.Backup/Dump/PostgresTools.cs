using CliWrap;
using CliWrap.Buffered;
using Npgsql;

namespace LeoPass.Recovery.Backup.Dump;

/// <summary>
/// Finds and describes the PostgreSQL client programs (pg_dump, pg_restore) and builds their
/// connection arguments. Passwords travel in PGPASSWORD, never on the command line, where any
/// user of the machine could read them in the process list.
/// </summary>
public static class PostgresTools
{
    /// <summary>
    /// PG_BIN_DIR, set once by the host from its configuration (NodeSettings); null uses the PATH.
    /// Process-wide because the tools of one machine are: every node in the process runs the same ones.
    /// </summary>
    public static string? BinDirectory { get; set; }

    /// <summary>The program in <see cref="BinDirectory"/>, else its bare name (found on the PATH).</summary>
    public static string PathOf(string program) =>
        string.IsNullOrEmpty(BinDirectory) ? program : Path.Combine(BinDirectory, program);

    public static async Task<string> VersionOfAsync(string program, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Cli.Wrap(PathOf(program)).WithArguments("--version").WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
            return result.StandardOutput.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} was not found ({e.Message}): install the PostgreSQL client tools (apt-get install postgresql-client) or set PG_BIN_DIR.", e);
        }
    }

    /// <summary>A libpq URL without the password (that goes in <see cref="EnvironmentFor"/>).</summary>
    public static string UrlWithoutPassword(string connectionString) =>
        PostgresConnectionString.ToUrl(new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ConnectionString);

    public static IReadOnlyDictionary<string, string?> EnvironmentFor(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new Dictionary<string, string?>
        {
            ["PGPASSWORD"] = builder.Password,
            ["PGCONNECT_TIMEOUT"] = "15",
            ["PGAPPNAME"] = "leopass-recovery",
        };
    }
}
