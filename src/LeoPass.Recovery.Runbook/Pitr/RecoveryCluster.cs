using System.Formats.Tar;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Reading;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// The PostgreSQL cluster a point-in-time restore builds on this node, in a directory of its run:
/// <c>data/</c> (the base backup, extracted), <c>wal/</c> (the fetch spool), <c>server.log</c>, and
/// the server's socket. The server listens on 127.0.0.1 only, on a port picked free, with
/// <c>pg_hba.conf</c> replaced by loopback password lines (the source's roles and passwords come
/// with the backup). As root it runs as the postgres user, which PostgreSQL requires.
/// </summary>
public sealed class RecoveryCluster
{
    private RecoveryCluster(string directory, string binDirectory, int port)
    {
        Directory = directory;
        BinDirectory = binDirectory;
        Port = port;
    }

    public string Directory { get; }
    public string BinDirectory { get; }
    public int Port { get; }
    public string DataDirectory => Path.Combine(Directory, "data");
    public FetchSpool Spool => new(Path.Combine(Directory, "wal"));
    public string LogFile => Path.Combine(Directory, "server.log");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>PG_BIN_DIR when it holds pg_ctl, else the Debian directory of <paramref name="major"/> (the base backup's server version).</summary>
    /// <exception cref="Engine.Activities.ActivityFailedException">Neither has the server programs.</exception>
    public static string BinDirectoryFor(string major, string? configured)
    {
        if (configured is not null && File.Exists(Path.Combine(configured, "pg_ctl"))) return configured;
        var debian = Path.Combine("/usr/lib/postgresql", major, "bin");
        if (File.Exists(Path.Combine(debian, "pg_ctl"))) return debian;
        throw new Engine.Activities.ActivityFailedException(
            $"no PostgreSQL {major} server programs (pg_ctl, postgres) in PG_BIN_DIR or {debian}: a restore needs the source's major version; install postgresql-{major} or set PG_BIN_DIR",
            retryable: false);
    }

    /// <summary>A fresh, empty cluster directory: a server an earlier attempt left running there is stopped, its files removed.</summary>
    public static async Task<RecoveryCluster> PrepareAsync(string directory, string binDirectory, CancellationToken cancellationToken)
    {
        var earlier = new RecoveryCluster(directory, binDirectory, 0);
        await earlier.StopAsync(cancellationToken);
        if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "wal"));
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        SetMode(Path.Combine(directory, "data"), OwnerOnly);
        SetMode(Path.Combine(directory, "wal"), OwnerOnly);
        // The server's user must reach its socket and log in here; nobody else reads in: data/ and wal/ are owner-only.
        SetMode(directory, OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return new RecoveryCluster(directory, binDirectory, FreePort());
    }

    /// <summary>The cluster a finished restore step left (its directory and port, from the step's output).</summary>
    public static RecoveryCluster Existing(string directory, string binDirectory, int port) => new(directory, binDirectory, port);

    /// <summary>Where run <paramref name="runId"/>'s restore builds its cluster: the only directory its end or its abort may delete.</summary>
    public static string DirectoryOf(string workDirectory, long runId) =>
        Path.Combine(Path.GetFullPath(workDirectory), string.Create(CultureInfo.InvariantCulture, $"pitr-run-{runId}"));

    /// <summary>Stops the server a restore left in <paramref name="directory"/> (its major version read from the data) and deletes the directory.</summary>
    /// <returns>Whether there was a directory to delete.</returns>
    public static async Task<bool> StopAndDeleteAsync(string directory, int port, string? configuredBinDirectory, CancellationToken cancellationToken)
    {
        var versionFile = Path.Combine(directory, "data", "PG_VERSION");
        if (File.Exists(versionFile))
        {
            var major = (await File.ReadAllTextAsync(versionFile, cancellationToken)).Trim();
            await Existing(directory, BinDirectoryFor(major, configuredBinDirectory), port).StopAsync(cancellationToken);
        }
        if (!System.IO.Directory.Exists(directory)) return false;
        System.IO.Directory.Delete(directory, recursive: true);
        return true;
    }

    /// <summary>Streams the base backup from the store (SHA-256 checked, decrypted, decompressed) straight into data/, no tar on disk.</summary>
    public async Task ExtractAsync(ArtefactReader reader, StoredArtefact baseBackup, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20, useSynchronizationContext: false));
        var extract = Task.Run(async () =>
        {
            try
            {
                await using var tar = pipe.Reader.AsStream();
                await ExtractEntriesAsync(tar, cancellationToken);
            }
            catch (Exception e)
            {
                await pipe.Reader.CompleteAsync(e);
                throw;
            }
        }, CancellationToken.None);
        try
        {
            await using (var sink = pipe.Writer.AsStream())
            {
                await reader.ReadAsync(baseBackup, sink, null, cancellationToken);
            }
        }
        catch when (extract.IsFaulted)
        {
            // The extraction's error is the cause; the read stopped because nobody took its bytes.
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
        }
        await extract;
    }

    private async Task ExtractEntriesAsync(Stream tar, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(DataDirectory) + Path.DirectorySeparatorChar;
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var path = Path.GetFullPath(Path.Combine(DataDirectory, entry.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal) && path + Path.DirectorySeparatorChar != root)
            {
                throw new InvalidDataException($"the base backup holds an entry outside its data directory ('{entry.Name}'): refusing it");
            }
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    System.IO.Directory.CreateDirectory(path);
                    SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    {
                        if (entry.DataStream is { } data) await data.CopyToAsync(file, cancellationToken);
                    }
                    SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    break;
                case TarEntryType.SymbolicLink:
                    throw new InvalidDataException($"the base backup holds a symbolic link '{entry.Name}' (a tablespace?): tablespaces are not supported by point-in-time restores yet");
            }
        }
    }

    /// <summary>
    /// Writes what makes the server a point-in-time recovery: recovery.signal, the recovery settings
    /// (appended to postgresql.auto.conf, which is read last), a loopback-only pg_hba.conf.
    /// </summary>
    public async Task ConfigureAsync(string restoreCommand, PitrTarget target, long runId, CancellationToken cancellationToken)
    {
        var data = DataDirectory;
        File.Delete(Path.Combine(data, "standby.signal"));
        File.Delete(Path.Combine(data, "postmaster.pid"));
        await File.WriteAllTextAsync(Path.Combine(data, "recovery.signal"), "", cancellationToken);
        if (!File.Exists(Path.Combine(data, "postgresql.conf"))) await File.WriteAllTextAsync(Path.Combine(data, "postgresql.conf"), "", cancellationToken);
        if (File.Exists(Path.Combine(data, "pg_hba.conf"))) File.Move(Path.Combine(data, "pg_hba.conf"), Path.Combine(data, "pg_hba.conf.source"), overwrite: true);
        // md5 accepts the source's SCRAM and MD5 passwords alike; nothing but loopback can connect.
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), "local all all md5\nhost all all 127.0.0.1/32 md5\n", cancellationToken);
        if (!File.Exists(Path.Combine(data, "pg_ident.conf"))) await File.WriteAllTextAsync(Path.Combine(data, "pg_ident.conf"), "", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(data, "recovery.target"), target.ToString(), cancellationToken);
        _primarySettings = await ReadPrimarySettingsAsync(cancellationToken);
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), RecoverySettings(restoreCommand, target, runId), cancellationToken);
    }

    private IReadOnlyList<(string Name, string Value)> _primarySettings = [];

    /// <summary>
    /// pg_controldata's line for each setting recovery refuses to run below the primary's value
    /// ("recovery aborted because of insufficient parameter settings"), and its name in postgresql.conf.
    /// </summary>
    private static readonly (string ControlLine, string Setting)[] SettingsRecoveryNeeds =
    [
        ("max_connections setting", "max_connections"), ("max_worker_processes setting", "max_worker_processes"),
        ("max_wal_senders setting", "max_wal_senders"), ("max_prepared_xacts setting", "max_prepared_transactions"),
        ("max_locks_per_xact setting", "max_locks_per_transaction"),
    ];

    /// <summary>
    /// The source's values of <see cref="SettingsRecoveryNeeds"/>, from the base backup's pg_control:
    /// its postgresql.conf usually lives outside the data directory (Debian: /etc/postgresql), so
    /// the restored server would start with the defaults and refuse to replay from a source that
    /// allows more connections than 100.
    /// </summary>
    private async Task<IReadOnlyList<(string Name, string Value)>> ReadPrimarySettingsAsync(CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(Path.Combine(BinDirectory, "pg_controldata")).WithArguments(["-D", DataDirectory])
            .WithEnvironmentVariables(e => e.Set("LC_ALL", "C")).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_controldata could not read the base backup's control file (exit {result.ExitCode}): {result.StandardError.Trim()}");
        }
        var found = new List<(string, string)>();
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var (label, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            var known = SettingsRecoveryNeeds.FirstOrDefault(s => s.ControlLine == label);
            if (known.Setting is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)) found.Add((known.Setting, value));
        }
        return found;
    }

    /// <summary>Replaces the recovery target <paramref name="replacing"/> (the settings block is written again; the last value of a setting wins).</summary>
    public Task RetargetAsync(string restoreCommand, PitrTarget target, PitrTarget replacing, long runId, CancellationToken cancellationToken) =>
        File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.auto.conf"), RecoverySettings(restoreCommand, target, runId, replacing), cancellationToken);

    private string RecoverySettings(string restoreCommand, PitrTarget target, long runId, PitrTarget? replacing = null)
    {
        var settings = new StringBuilder();
        settings.AppendLine(CultureInfo.InvariantCulture, $"# leopass-recovery: point-in-time restore of run {runId} to {target}");
        void Set(string name, string value) => settings.AppendLine(CultureInfo.InvariantCulture, $"{name} = '{value.Replace("'", "''", StringComparison.Ordinal)}'");
        Set("port", Port.ToString(CultureInfo.InvariantCulture));
        Set("listen_addresses", "127.0.0.1");
        Set("unix_socket_directories", Directory);
        Set("hba_file", Path.Combine(DataDirectory, "pg_hba.conf"));
        Set("ident_file", Path.Combine(DataDirectory, "pg_ident.conf"));
        Set("archive_mode", "off");
        Set("ssl", "off");
        Set("logging_collector", "off");
        Set("log_line_prefix", "%m [%p] ");
        Set("hot_standby", "on");
        foreach (var (name, value) in _primarySettings) Set(name, value);
        // Read ahead, recovery would ask restore_command for segments past its target, and a planned
        // segment that is missing aborts recovery (by design): only what recovery needs is asked for.
        Set("recovery_prefetch", "off");
        Set("restore_command", restoreCommand);
        Set("recovery_target_action", "promote");
        Set("recovery_target_timeline", "latest");
        // Only the target in use is written (PostgreSQL refuses a second recovery_target_*, even an empty
        // one); a target being replaced is cleared, which the later line does since the last value wins.
        if (target.Time is { } time) Set("recovery_target_time", time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", CultureInfo.InvariantCulture));
        else if (replacing?.Time is not null) Set("recovery_target_time", "");
        if (target.Location is { } location) Set("recovery_target_lsn", location.ToString());
        else if (replacing?.Location is not null) Set("recovery_target_lsn", "");
        return settings.ToString();
    }

    /// <summary>As root, the directory becomes the postgres user's: the server refuses to run as root.</summary>
    public async Task GiveToServerUserAsync(CancellationToken cancellationToken)
    {
        if (!IsRoot) return;
        for (var parent = System.IO.Directory.GetParent(Directory); parent is not null; parent = parent.Parent)
        {
            if ((parent.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"the postgres user cannot reach {Directory}: {parent.FullName} is not traversable by others (chmod o+x it, or point RESTORE_WORK_DIR elsewhere)");
            }
        }
        await Cli.Wrap("chown").WithArguments(["-R", "postgres:postgres", Directory]).ExecuteAsync(cancellationToken);
    }

    /// <summary>
    /// Runs the CLI the restore_command names as the server's user, once, before recovery starts:
    /// when that user cannot run it (a checkout it may not enter, a missing dotnet), PostgreSQL only
    /// says "could not locate required checkpoint record", which sends a responder the wrong way.
    /// </summary>
    public async Task CheckServerUserRunsAsync(string cliCommand, CancellationToken cancellationToken)
    {
        var result = await AsServerUser("sh", ["-c", $"{cliCommand} --version"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode == 0) return;
        var why = (result.StandardError.Trim() is { Length: > 0 } error ? error : result.StandardOutput.Trim()).Split('\n')[0];
        throw new InvalidOperationException(
            $"restore_command runs `{cliCommand} wal fetch` as {(IsRoot ? "the postgres user" : "this user")}, which cannot run it (exit {result.ExitCode}: {why}): " +
            "install the CLI where that user can read it and set LEOPASS_CLI to the command");
    }

    /// <summary>Starts the server without waiting: recovery may take long before it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await AsServerUser(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", LogFile, "-W", "start"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl start failed (exit {result.ExitCode}): {result.StandardError.Trim()} {result.StandardOutput.Trim()} {TailOfLog()}");
        }
    }

    /// <summary>Stops a running server (fast: sessions are ended); nothing when none runs.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))) return;
        await AsServerUser(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
    }

    /// <summary>Whether the server process is alive (its postmaster.pid names a running process).</summary>
    public bool IsRunning()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && System.IO.Directory.Exists($"/proc/{pid}");
        }
        catch (IOException)
        {
            return false;
        }
    }

    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public string TailOfLog(int lines = 8) => string.Join(" | ", ReadLog().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    /// <summary>A connection to the restored database as <paramref name="source"/>'s role (its password came with the backup).</summary>
    public string ConnectionFor(string source, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(source)
        {
            Host = "127.0.0.1", Port = Port, Pooling = false, SslMode = SslMode.Disable, ApplicationName = "leopass-recovery pitr", Timeout = 5,
        };
        if (database is not null) builder.Database = database;
        return builder.ConnectionString;
    }

    /// <summary>Removes the cluster's directory (the server must be stopped): restored data does not outlive a drill.</summary>
    public void Delete()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    private static Command AsServerUser(string program, IEnumerable<string> arguments) => IsRoot
        ? Cli.Wrap("runuser").WithArguments(["-u", "postgres", "--", program, .. arguments])
        : Cli.Wrap(program).WithArguments(arguments);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
