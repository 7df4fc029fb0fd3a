using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using LeoPass.Recovery.Core.Configuration;
using Npgsql;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// A PostgreSQL 15 cluster of a test's own, set up as a production source for point-in-time
/// recovery is: <c>wal_level=replica</c> (15's default), a login role with REPLICATION and
/// <c>GRANT EXECUTE ON FUNCTION pg_switch_wal()</c>, loopback <c>pg_hba</c> lines for it (initdb's
/// defaults allow <c>replication</c> from 127.0.0.1), and a database <c>app</c>. The shared cluster
/// of scripts/test.sh is not used: WAL, slots and switches are per cluster, and tests must not
/// share them. As root, initdb and the server run as the postgres user.
/// </summary>
public sealed class SourceCluster : IAsyncDisposable
{
    public const string Database = "app";
    public const string ReplicationRole = "leopass_wal";

    private readonly string _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private SourceCluster(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }
    public string DataDirectory => Path.Combine(Directory, "data");
    public string LogFile => Path.Combine(Directory, "server.log");
    public int Port { get; }

    public static string BinDirectory =>
        System.IO.Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
        ?? throw new InvalidOperationException("no PostgreSQL server under /usr/lib/postgresql: run scripts/install-deps.sh");

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>The superuser, for the test's own writes and checks.</summary>
    public string SuperuserConnectionString(string database = Database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Password = _password, Database = database, Pooling = false }.ConnectionString;

    /// <summary>The stream's and base backups' role (REPLICATION, pg_switch_wal), as a postgresql:// URL.</summary>
    public string ReplicationUrl => PostgresConnectionString.ToUrl(
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = ReplicationRole, Password = _password, Database = Database }.ConnectionString);

    public string SuperuserUrl => PostgresConnectionString.ToUrl(SuperuserConnectionString());

    public static async Task<SourceCluster> StartAsync(params string[] settings)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("leopass-source-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        var cluster = new SourceCluster(directory, FreePort.Next());
        var passwordFile = Path.Combine(directory, "pw");
        await File.WriteAllTextAsync(passwordFile, cluster._password);
        if (IsRoot) await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        await AsPostgresAsync(Path.Combine(BinDirectory, "initdb"), ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8"]);
        File.Delete(passwordFile);
        await cluster.StartServerAsync(settings);
        await cluster.ExecuteAsync($"CREATE ROLE {ReplicationRole} LOGIN REPLICATION PASSWORD '{cluster._password}'", "postgres");
        await cluster.ExecuteAsync($"CREATE DATABASE {Database}", "postgres");
        // Function privileges are per database: granted where the stream connects.
        await cluster.ExecuteAsync($"GRANT EXECUTE ON FUNCTION pg_switch_wal() TO {ReplicationRole}");
        return cluster;
    }

    private string[] _settings = [];

    private async Task StartServerAsync(string[] settings)
    {
        _settings = settings;
        var options = string.Join(' ', new[] { $"-p {Port}", $"-k {Directory}", "-c listen_addresses=127.0.0.1", "-c fsync=off",
                // More than the default 100, as production sources have: a restore must match it to replay.
                "-c max_connections=150" }
            .Concat(settings.Select(s => "-c " + s)));
        await AsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "-o", options, "start"]);
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, with the same settings.</summary>
    public Task RestartAsync() => StartServerAsync(_settings);

    public Task StopAsync() => AsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]);

    public async Task ExecuteAsync(string sql, string database = Database)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, string database = Database)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        var value = await command.ExecuteScalarAsync();
        // timestamptz reads as a UTC DateTime.
        if (typeof(T) == typeof(DateTimeOffset) && value is DateTime utc) value = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return (T)value!;
    }

    /// <summary>The server's own clock: what recovery_target_time is compared with.</summary>
    public Task<DateTimeOffset> NowAsync() => ScalarAsync<DateTimeOffset>("SELECT clock_timestamp()");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgresAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static Task AsPostgresAsync(string program, IEnumerable<string> arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var (stderr, stdout) = (await error, await output);
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr} {stdout}"));
        }
    }
}
