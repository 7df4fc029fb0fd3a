using System.Collections.Concurrent;
using CliWrap;
using CliWrap.Builders;

namespace LeoPass.Recovery.Backup.Processes;

/// <summary>
/// Starts the external programs of the product (pg_dump, pg_restore, the runbook's shell
/// commands) so that they die with this process, even on <c>kill -9</c>: a node that died must
/// not leave a <c>pg_restore</c> writing into the target while another node restores it again
/// with <c>--clean</c>.
/// </summary>
/// <remarks>
/// <para>How: each program runs as <c>setpriv --pdeathsig TERM -- setsid -- /bin/sh -c SCRIPT</c>.
/// The kernel sends TERM to the shell when its parent dies (<c>PR_SET_PDEATHSIG</c>); the shell,
/// leader of a process group of its own (<c>setsid</c>), answers by killing that whole group with
/// KILL — the program and everything it started (pg_restore's parallel workers, a migration
/// script's children), which a signal to the direct child alone would miss. The shell also
/// exits at once if its parent is already gone when it starts (the death came between fork and
/// prctl, and no signal will).</para>
/// <para>Why a dedicated thread: the parent-death signal fires when the <em>thread</em> that
/// forked the child exits, not the process, and .NET forks on the thread that calls
/// <c>Process.Start</c> — a thread-pool thread, which the pool retires when idle. Forking from a
/// pool thread would kill a healthy pg_restore minutes into a restore. So every child is forked
/// from one background thread that lives as long as the process (<see cref="Launcher"/>); the
/// cost is one thread and a hop to it per start (microseconds against a program's run).</para>
/// <para>Where <c>setpriv</c> or <c>setsid</c> (util-linux) is missing, programs run as before,
/// without the guarantee.</para>
/// </remarks>
public static class ChildProcess
{
    private const string Script = "[ \"$PPID\" = \"$1\" ] || exit 137; shift; trap 'kill -KILL 0' TERM; \"$@\" 0<&0 & wait $!";

    private static readonly BlockingCollection<Action> Starts = new();
    private static readonly Lazy<Thread> Launcher = new(() =>
    {
        var thread = new Thread(() =>
        {
            foreach (var start in Starts.GetConsumingEnumerable()) start();
        })
        { IsBackground = true, Name = "leopass child-process launcher" };
        thread.Start();
        return thread;
    });

    private static readonly Lazy<(string SetPriv, string SetSid)?> Tools = new(() =>
        Find("setpriv") is { } setpriv && Find("setsid") is { } setsid ? (setpriv, setsid) : null);

    /// <summary>Whether children are bound to this process's life here (util-linux present).</summary>
    public static bool DiesWithThisProcess => Tools.Value is not null;

    /// <summary>Runs <paramref name="command"/> to its end, started so that it cannot outlive this process.</summary>
    public static async Task<CommandResult> ExecuteAsync(Command command, CancellationToken cancellationToken)
    {
        var bound = Bind(command);
        var started = new TaskCompletionSource<CommandTask<CommandResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Launcher.Value;
        Starts.Add(() =>
        {
            // CliWrap forks inside ExecuteAsync, before it returns: on this thread.
            try { started.SetResult(bound.ExecuteAsync(cancellationToken)); }
            catch (Exception e) { started.SetException(e); }
        }, CancellationToken.None);
        return await await started.Task;
    }

    private static Command Bind(Command command)
    {
        if (Tools.Value is not { } tools) return command;
        var prefix = new ArgumentsBuilder()
            .Add(["--pdeathsig", "TERM", "--", tools.SetSid, "--", "/bin/sh", "-c", Script, "leopass-child"])
            .Add(Environment.ProcessId)
            .Add(command.TargetFilePath)
            .Build();
        return command.WithTargetFile(tools.SetPriv).WithArguments(command.Arguments.Length == 0 ? prefix : prefix + " " + command.Arguments);
    }

    // util-linux's own places (Debian: /usr/bin); the environment's PATH is not trusted for this.
    private static readonly string[] ToolDirectories = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    private static string? Find(string program) =>
        ToolDirectories.Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);
}
