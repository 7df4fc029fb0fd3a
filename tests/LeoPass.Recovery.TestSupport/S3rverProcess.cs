using System.Diagnostics;
using System.Net.Sockets;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// A private s3rver (a real S3-compatible server in Node.js) for tests that must stop and
/// restart the server, or want a bucket nobody else touches. It keeps its port and data
/// directory across <see cref="StopAsync"/> / <see cref="StartAsync"/>, like a server that
/// went down and came back.
/// </summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private Process? _process;

    private S3rverProcess(string bucket)
    {
        Bucket = bucket;
        Port = FreePort.Next();
        DataDirectory = Directory.CreateTempSubdirectory("leopass-s3rver-").FullName;
    }

    public string Bucket { get; }
    public int Port { get; }
    public string DataDirectory { get; }
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    public static async Task<S3rverProcess> StartNewAsync(string bucket = "leopass-test")
    {
        var server = new S3rverProcess(bucket);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var script = RequiredService.Variable("LEOPASS_TEST_S3RVER_JS", "s3rver (npm)");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { script, "-d", DataDirectory, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--configure-bucket", Bucket })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start node for s3rver");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited) throw new InvalidOperationException($"s3rver exited with code {_process.ExitCode}");
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("s3rver did not listen within 20 s");
    }

    /// <summary>Kills the server at once, mid-request if one is in flight.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
