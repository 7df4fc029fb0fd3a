using System.Diagnostics;
using System.Text;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>
/// A real `./leopass-recovery server` process with the diagnostics activities switched on, as
/// an operator would run it. <see cref="Kill"/> is SIGKILL: no shutdown code runs.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    /// <summary>The node id the server announced.</summary>
    public string NodeId { get; private set; } = "";

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<ServerProcess> StartAsync(TestDatabase database, string workflowsDirectory, string schedulerName)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "leopass-recovery"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add("server");
        start.Environment["RECOVERY_DATABASE_URL"] = database.Url;
        start.Environment["LEOPASS_WORKFLOWS_DIR"] = workflowsDirectory;
        start.Environment["LEOPASS_SCHEDULER_NAME"] = schedulerName;
        start.Environment["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1";
        // The server also serves the HTTP API: several on one machine each take a free port.
        start.Environment["LEOPASS_LISTEN_URL"] = "http://127.0.0.1:0";
        foreach (var name in new[] { "DATABASE_URL", "BACKUP_CRON", "BACKUP_TZ", "OCI_BUCKET" }) start.Environment.Remove(name);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start leopass-recovery server");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(server._up.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
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

    /// <summary>kill -9: the process dies mid-instruction, its connections drop, nothing is cleaned up.</summary>
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
