using System.Diagnostics;
using System.Text;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests.Support;

/// <summary>A real `./leopass-recovery server` node with the test bed's environment. <see cref="Kill"/> is SIGKILL.</summary>
public sealed class RunbookServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunbookServer(Process process) => _process = process;

    public string NodeId { get; private set; } = "";
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<RunbookServer> StartAsync(IReadOnlyDictionary<string, string?> variables, string schedulerName)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "leopass-recovery"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add("server");
        foreach (var name in new[] { "DATABASE_URL", "BACKUP_CRON", "OCI_BUCKET", "PG_BIN_DIR" }) start.Environment.Remove(name);
        foreach (var (k, v) in variables) start.Environment[k] = v;
        start.Environment["LEOPASS_WORKFLOWS_DIR"] = Path.Combine(RepositoryRoot.Path, "workflows");
        start.Environment["LEOPASS_SCHEDULER_NAME"] = schedulerName;
        // The server also serves the HTTP API: several on one machine each take a free port.
        start.Environment["LEOPASS_LISTEN_URL"] = "http://127.0.0.1:0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start leopass-recovery server");
        var server = new RunbookServer(process);
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
        if (at >= 0) _up.TrySetResult(line[(at + marker.Length)..].Split(' ')[0]);
    }

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
