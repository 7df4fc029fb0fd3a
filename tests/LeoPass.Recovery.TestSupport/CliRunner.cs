using System.Diagnostics;
using System.Text;

namespace LeoPass.Recovery.TestSupport;

public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string AllOutput => StandardOutput + StandardError;
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs ./leopass-recovery as a user would, with a controlled environment.</summary>
public static class CliRunner
{
    /// <summary>
    /// Variables that tests never inherit from the developer's shell, so a test sees exactly
    /// the configuration it sets.
    /// </summary>
    private static readonly string[] ProductVariables =
    [
        "DATABASE_URL", "RECOVERY_DATABASE_URL", "TARGET_DATABASE_URL", "OCI_BUCKET", "OCI_S3_ACCESS_KEY", "OCI_S3_SECRET_KEY",
        "OCI_S3_ENDPOINT", "OCI_REGION", "BACKUP_DIR", "BACKUP_RETENTION_DAYS", "BACKUP_COMPRESSION", "BACKUP_ZSTD_LEVEL",
        "BACKUP_ENCRYPTION_PUBLIC_KEY", "BACKUP_DECRYPTION_PRIVATE_KEY", "BACKUP_DECRYPTION_PASSPHRASE",
        "UPTIME_KUMA_PUSH_URL", "SENTRY_DSN", "OPS_WEBHOOK_URL", "BACKUP_CRON", "BACKUP_TZ", "DRILL_CRON",
        "BACKUP_SIGNING_KEY", "BACKUP_SIGNING_PASSPHRASE", "BACKUP_TRUSTED_SIGNERS", "BACKUP_OBJECT_LOCK",
        "BACKUP_S3_PARALLEL_PARTS", "BACKUP_DUMP_JOBS",
    ];

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null, params string[] args)
    {
        await using var running = Start(environment, args);
        return await running.WaitAsync(timeout ?? TimeSpan.FromMinutes(5));
    }

    /// <summary>Starts ./leopass-recovery without waiting for it, so a test can act on the running process (e.g. kill -9 it mid-upload).</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args) => StartUnder([], environment, args);

    /// <summary>
    /// Starts ./leopass-recovery as the leader of its own process group, as a shell starts a
    /// foreground job: <see cref="CliProcess.InterruptProcessGroup"/> then sends SIGINT to it and every
    /// child it started (pg_dump, pg_restore, gpg), as a terminal's Ctrl+C does, and to nothing of the test's.
    /// </summary>
    public static CliProcess StartAsProcessGroup(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        StartUnder(["perl", "-MPOSIX", "-e", ForegroundJob, "--"], environment, args);

    /// <summary>
    /// A new session (so a group of its own: a child of this process is no group leader), with SIGINT and
    /// SIGQUIT back to their default action — a test run started in the background (`scripts/test.sh &`)
    /// has them ignored, and an ignored signal stays ignored across exec, for .NET too — then exec in
    /// place: perl, the script and dotnet are one pid throughout. Perl is part of every Debian.
    /// </summary>
    private const string ForegroundJob = """$SIG{INT} = $SIG{QUIT} = "DEFAULT"; POSIX::setsid() or die "setsid: $!"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!";""";

    /// <summary>
    /// Runs ./leopass-recovery under another program, e.g. GNU time, which reports the process's
    /// peak resident memory as the kernel counted it: <c>/usr/bin/time -f %M -o FILE</c>.
    /// </summary>
    public static async Task<CliResult> RunUnderAsync(string[] wrapper, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args)
    {
        await using var running = StartUnder(wrapper, environment, args);
        return await running.WaitAsync(timeout);
    }

    private static CliProcess StartUnder(string[] wrapper, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var cli = PublishedCli.Launcher;
        var start = new ProcessStartInfo(wrapper.Length > 0 ? wrapper[0] : cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        if (wrapper.Length > 0)
        {
            foreach (var arg in wrapper.Skip(1)) start.ArgumentList.Add(arg);
            start.ArgumentList.Add(cli);
        }
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in ProductVariables) start.Environment.Remove(name);
        foreach (var (key, value) in environment)
        {
            if (value is null) start.Environment.Remove(key); else start.Environment[key] = value;
        }
        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start leopass-recovery"), args);
    }
}

/// <summary>A running ./leopass-recovery (the script execs dotnet, so this is the CLI process itself).</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    internal CliProcess(Process process, string[] args)
    {
        _process = process;
        _args = args;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process printed on stdout so far: a test waits on a long-running command (`demo`, `server`) through it.</summary>
    public string StandardOutputSoFar { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardErrorSoFar { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>SIGKILL: the process gets no chance to clean up, as when a node dies.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    /// <summary>
    /// Ctrl+C as a terminal sends it: SIGINT to the whole process group (the CLI and its children).
    /// Only for a process started by <see cref="CliRunner.StartAsProcessGroup"/>, which leads its own group.
    /// </summary>
    public void InterruptProcessGroup()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", "INT", "--", $"-{_process.Id}" } })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -INT -{_process.Id} failed with exit {kill.ExitCode}");
    }

    /// <summary>The programs (their /proc comm names) of the processes in this process's group, itself excluded.</summary>
    public IReadOnlyList<string> ProcessGroupChildren() => ProcessGroups.Members(_process.Id).Where(m => m.Pid != _process.Id).Select(m => m.Name).ToList();

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"leopass-recovery {string.Join(' ', _args)} did not finish in time.\n{_stdout}\n{_stderr}");
        }
        _process.WaitForExit();
        lock (_stdout) lock (_stderr) return new CliResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
