using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// A real authoritative DNS server for one zone: Debian's dnsmasq (scripts/install-deps.sh installs
/// dnsmasq-base) on 127.0.0.1 and a free port, answering from a hosts file with the AA bit set. A
/// test changes what it answers with <see cref="PublishAsync"/>, which rewrites the file and
/// sends SIGHUP — what a zone transfer reaching a secondary does, at the moment the test chooses.
/// Missing, it is a failure that says how to install it, never a skip.
/// </summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly string _hostsFile;

    private readonly StringBuilder _log;

    private Dnsmasq(Process process, string directory, string hostsFile, int port, StringBuilder log)
    {
        _log = log;
        _process = process;
        _directory = directory;
        _hostsFile = hostsFile;
        Port = port;
    }

    public int Port { get; }

    /// <summary>As DNS_CHECK_NAMESERVERS names it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public static async Task<Dnsmasq> StartAsync(string zone, IReadOnlyDictionary<string, string> records)
    {
        var program = File.Exists("/usr/sbin/dnsmasq") ? "/usr/sbin/dnsmasq" : "dnsmasq";
        var directory = Directory.CreateTempSubdirectory("leopass-dnsmasq-").FullName;
        // dnsmasq reads the hosts file again on SIGHUP, as the user it runs as.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        var hosts = Path.Combine(directory, "hosts");
        await WriteAsync(hosts, records);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "--keep-in-foreground", "--log-facility=-", "--log-queries",
                $"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces",
                "--no-resolv", "--no-hosts", $"--addn-hosts={hosts}",
                $"--auth-server=ns.{zone},127.0.0.1", $"--auth-zone={zone}", "--auth-ttl=1",
                "--conf-file=/dev/null", $"--pid-file={Path.Combine(directory, "pid")}",
            },
        };
        if (Environment.UserName == "root")
        {
            start.ArgumentList.Add("--user=root");
            start.ArgumentList.Add("--group=root");
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"dnsmasq is required by this test and was not found ({e.Message}): run ./scripts/install-deps.sh (it installs Debian's dnsmasq-base).", e);
        }
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new Dnsmasq(process, directory, hosts, port, log);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await server.AnswersAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                lock (log) throw new InvalidOperationException($"dnsmasq on port {port} did not come up: {log}");
            }
            await Task.Delay(50);
        }
        return server;
    }

    /// <summary>From now on the server answers these records (names to IPv4 addresses).</summary>
    public async Task PublishAsync(IReadOnlyDictionary<string, string> records)
    {
        await WriteAsync(_hostsFile, records);
        var hup = await ExternalTool.RunAsync("kill", ["-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (hup.ExitCode != 0) throw new InvalidOperationException($"could not signal dnsmasq: {hup}");
    }

    private static Task WriteAsync(string file, IReadOnlyDictionary<string, string> records) =>
        File.WriteAllLinesAsync(file, records.Select(r => $"{r.Value} {r.Key}"));

    /// <summary>Whether the server answers a query at all (its SOA for the zone's apex is enough).</summary>
    private async Task<bool> AnswersAsync()
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        // A minimal query: id 1, no flags, one question "." type SOA.
        byte[] query = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            await udp.SendAsync(query, new IPEndPoint(IPAddress.Loopback, Port), timeout.Token);
            await udp.ReceiveAsync(timeout.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    /// <summary>How many queries for <paramref name="name"/> the server has answered from its own data so far (its query log).</summary>
    public int QueriesFor(string name)
    {
        lock (_log) return _log.ToString().Split('\n').Count(l => l.Contains($"auth[A] {name} ", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
