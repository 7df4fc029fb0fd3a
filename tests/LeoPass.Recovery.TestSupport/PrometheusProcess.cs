using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>, installed by scripts/install-deps.sh) on a free
/// loopback port, scraping the given targets every second, with its data in a temporary directory.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="target">host:port of the /metrics to scrape.</param>
    /// <param name="bearerToken">Sent as <c>Authorization: Bearer</c> when the endpoint needs a token.</param>
    public static async Task<PrometheusProcess> StartAsync(string target, string? bearerToken = null)
    {
        var directory = Directory.CreateTempSubdirectory("leopass-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: leopass-recovery
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target}']
            {(bearerToken is null ? "" : $"    authorization:\n      credentials: {bearerToken}")}
            """);
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address={address.Authority}" })
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Debian's prometheus is required by this test and could not be started: run ./scripts/install-deps.sh", e);
        }
        var prometheus = new PrometheusProcess(process, directory, address);
        process.OutputDataReceived += (_, e) => prometheus.Record(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await prometheus.WaitUntilReadyAsync();
        return prometheus;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var ready = await _http.GetAsync("-/ready");
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"prometheus did not become ready:\n{Output}");
    }

    /// <summary>
    /// Runs an instant query until it returns a sample (the first scrapes take a second or two);
    /// returns the first series' labels, sample time and value.
    /// </summary>
    public async Task<PrometheusSample> QueryAsync(string query, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = JsonNode.Parse(await _http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}"));
            if (last?["data"]?["result"] is JsonArray { Count: > 0 } result)
            {
                var value = result[0]!["value"]!.AsArray();
                var labels = result[0]!["metric"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
                var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(value[0]!.GetValue<double>() * 1000));
                var text = value[1]!.GetValue<string>();
                return new PrometheusSample(labels, at, text switch { "+Inf" => double.PositiveInfinity, _ => double.Parse(text, CultureInfo.InvariantCulture) });
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"prometheus returned no sample for {query}: {last}; targets: {await _http.GetStringAsync("api/v1/targets")}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _http.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One sample of an instant query: its series' labels, when it was scraped, its value.</summary>
public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, DateTimeOffset At, double Value);
