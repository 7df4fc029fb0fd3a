using System.Diagnostics;
using System.Net;
using System.Text;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Tokens;

/// <summary>The product as an operator uses it: `token` commands, then `server` serving the API with that token.</summary>
public sealed class TokenCommandTests
{
    [Fact]
    public async Task Token_created_by_the_cli_opens_the_api_of_the_server_command_until_revoked()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync("apicli");
        var environment = new Dictionary<string, string?>
        {
            ["RECOVERY_DATABASE_URL"] = database.Url,
            ["BACKUP_DIR"] = Path.Combine(Path.GetTempPath(), "leopass-apicli-" + Guid.NewGuid().ToString("N")[..8]),
        };
        var created = await CliRunner.RunAsync(environment, null, "token", "create", "--name", "chatops", "--role", "operator");
        Assert.True(created.ExitCode == 0, created.ToString());
        var token = created.StandardOutput.Trim();
        Assert.StartsWith("lpr_", token, StringComparison.Ordinal);

        var list = await CliRunner.RunAsync(environment, null, "token", "list");
        Assert.Contains("chatops", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("operator", list.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list.AllOutput, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRunner.RunAsync(environment, null, "token", "create", "--name", "x", "--role", "root")).ExitCode);

        var port = FreePort.Next();
        await using var server = await ServerProcess.StartAsync(environment, $"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var answer = await client.GetAsync("/api/definitions");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var definitions = System.Text.Json.Nodes.JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Contains(definitions.AsArray(), d => d!["id"]!.GetValue<string>() == "nightly-backup");

        var revoked = await CliRunner.RunAsync(environment, null, "token", "revoke", "chatops");
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/definitions")).StatusCode);
        Assert.DoesNotContain(token, server.Output, StringComparison.Ordinal);
    }

    /// <summary>A `./leopass-recovery server` process; killed at the end of the test.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process) => _process = process;

        public string Output { get { lock (_output) return _output.ToString(); } }

        public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, string listenUrl)
        {
            var start = new ProcessStartInfo(PublishedCli.Launcher)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepositoryRoot.Path,
            };
            start.ArgumentList.Add("server");
            foreach (var name in new[] { "DATABASE_URL", "BACKUP_CRON", "OCI_BUCKET", "LEOPASS_SCHEDULER_NAME" }) start.Environment.Remove(name);
            foreach (var (key, value) in environment) start.Environment[key] = value;
            start.Environment["LEOPASS_LISTEN_URL"] = listenUrl;
            start.Environment["LEOPASS_SCHEDULER_NAME"] = "apicli-" + Guid.NewGuid().ToString("N")[..8];
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start leopass-recovery server");
            var server = new ServerProcess(process);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Record(string? line)
            {
                if (line is null) return;
                lock (server._output) server._output.AppendLine(line);
                if (line.Contains("is up", StringComparison.Ordinal)) up.TrySetResult();
            }
            process.OutputDataReceived += (_, e) => Record(e.Data);
            process.ErrorDataReceived += (_, e) => Record(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var finished = await Task.WhenAny(up.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
            if (finished != up.Task)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"the server did not come up:\n{server.Output}");
            }
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
