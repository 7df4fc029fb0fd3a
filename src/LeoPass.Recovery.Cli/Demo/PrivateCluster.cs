using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>
/// A PostgreSQL cluster of the demo's own under a local directory: created once with initdb
/// (scram password auth, loopback only), started when it is not running, reused afterwards.
/// initdb and the server refuse to run as root, so as root they run as the postgres user.
/// </summary>
public sealed class PrivateCluster(string directory)
{
    private string DataDirectory => Path.Combine(directory, "data");
    private string PasswordFile => Path.Combine(directory, "password");
    private string PortFile => Path.Combine(directory, "port");

    public int Port => int.Parse(File.ReadAllText(PortFile).Trim(), CultureInfo.InvariantCulture);

    /// <summary>A superuser URL for the given database on this cluster.</summary>
    public string UrlFor(string database) =>
        $"postgresql://postgres:{Uri.EscapeDataString(File.ReadAllText(PasswordFile).Trim())}@127.0.0.1:{Port}/{database}";

    public async Task<bool> EnsureRunningAsync(Action<string> say, CancellationToken cancellationToken)
    {
        var bin = BinDirectory();
        var created = false;
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            say($"creating a private PostgreSQL cluster in {directory}");
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(PasswordFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), cancellationToken);
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await File.WriteAllTextAsync(PortFile, FreePort().ToString(CultureInfo.InvariantCulture), cancellationToken);
            await GiveToPostgresUserAsync(cancellationToken);
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", DataDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={PasswordFile}", "-E", "UTF8", "--locale=C.UTF-8"], cancellationToken);
            created = true;
        }
        if (!await IsRunningAsync(bin, cancellationToken))
        {
            say($"starting PostgreSQL on 127.0.0.1:{Port}");
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
                "-o", $"-p {Port} -k {directory} -c listen_addresses=127.0.0.1", "start"], cancellationToken);
        }
        return created;
    }

    /// <summary>Stops the cluster (fast: sessions are ended, data kept); false when it was not running.</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION"))) return false;
        var bin = BinDirectory();
        if (!await IsRunningAsync(bin, cancellationToken)) return false;
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);
        return true;
    }

    private async Task<bool> IsRunningAsync(string bin, CancellationToken cancellationToken)
    {
        var status = await WrapAsPostgres(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "status"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        return status.ExitCode == 0;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private async Task GiveToPostgresUserAsync(CancellationToken cancellationToken)
    {
        if (!IsRoot) return;
        // The postgres user must traverse every parent directory to reach the cluster.
        for (var parent = Directory.GetParent(directory); parent is not null; parent = parent.Parent)
        {
            if ((parent.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"the postgres user cannot reach {directory}: {parent.FullName} is not traversable by others (chmod o+x it, or choose another --data-dir)");
            }
        }
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await CliWrap.Cli.Wrap("chown").WithArguments(["-R", "postgres:postgres", directory]).ExecuteAsync(cancellationToken);
    }

    private static CliWrap.Command WrapAsPostgres(string program, IEnumerable<string> arguments) => IsRoot
        ? CliWrap.Cli.Wrap("runuser").WithArguments(["-u", "postgres", "--", program, .. arguments])
        : CliWrap.Cli.Wrap(program).WithArguments(arguments);

    private static async Task RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await WrapAsPostgres(program, arguments).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed (exit {result.ExitCode}): {result.StandardError.Trim()} {result.StandardOutput.Trim()}");
        }
    }

    /// <summary>The newest PostgreSQL server installed the Debian way.</summary>
    private static string BinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).ToList()
            : [];
        return candidates.OrderByDescending(d => double.Parse(Path.GetFileName(Path.GetDirectoryName(d)!), CultureInfo.InvariantCulture)).FirstOrDefault()
            ?? throw new InvalidOperationException("no PostgreSQL server found under /usr/lib/postgresql: run scripts/install-deps.sh (apt-get install postgresql), or set DATABASE_URL to a server of yours");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
