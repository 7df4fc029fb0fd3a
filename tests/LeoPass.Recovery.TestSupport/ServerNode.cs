using System.Diagnostics;
using System.Text;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// A real `./leopass-recovery server` process, as an operator would run it. <see cref="Kill"/> is
/// SIGKILL: the process dies mid-instruction, its connections drop, no shutdown code runs.
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerNode(Process process) => _process = process;

    /// <summary>The node id the server announced.</summary>
    public string NodeId { get; private set; } = "";

    /// <summary>Where the server's API (and console) listens, as it announced it ("API on http://127.0.0.1:PORT").</summary>
    public Uri? ApiAddress { get; private set; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="environment">Variables to set; a null value removes the variable from the inherited environment.</param>
    public static async Task<ServerNode> StartAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(PublishedCli.Launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add("server");
        // The server also serves the HTTP API: several on one machine each take a free port.
        start.Environment["LEOPASS_LISTEN_URL"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start leopass-recovery server");
        var server = new ServerNode(process);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(server._up.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        if (finished != server._up.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the server did not come up:\n{server.Output}");
        }
        server.NodeId = await server._up.Task;
        return server;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        const string marker = "server: node ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return;
        const string api = "API on ";
        var listening = line.IndexOf(api, StringComparison.Ordinal);
        if (listening >= 0) ApiAddress = new Uri(line[(listening + api.Length)..].Split([' ', ','])[0].TrimEnd('.'));
        _up.TrySetResult(line[(at + marker.Length)..].Split(' ')[0]);
    }

    /// <summary>The exit code of a server that has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The server's process id (the launcher script execs the server).</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// kill -9 of the server process alone, as the kernel's OOM killer or an operator's `kill -9 PID`
    /// does: its children get no signal from this — whether they outlive it is the product's doing.
    /// </summary>
    public void KillProcessOnly()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>A clean stop, as systemd or `docker stop` asks for one: SIGTERM, then wait for the process to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var waited = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(waited.Token);
    }

    /// <summary>kill -9 of the server and every process under it (also test clean-up).</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
