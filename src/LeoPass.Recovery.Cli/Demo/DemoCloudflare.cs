using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace LeoPass.Recovery.Cli.Demo;

/// <summary>
/// Runs the demo's <see cref="CloudflareStandIn"/> as a process of its own that outlives `demo`,
/// like the demo's PostgreSQL: started when it is not answering, reused afterwards (same port,
/// token and zone, so .demo/demo.env stays true), stopped by `demo --stop`.
/// </summary>
public sealed class DemoCloudflare(string directory)
{
    public const string AppName = "app.leopass.demo";
    public const string PrimaryAddress = "192.0.2.10";
    public const string StandbyAddress = "192.0.2.20";

    private string PortFile => Path.Combine(directory, "port");
    private string PidFile => Path.Combine(directory, "pid");
    private string StateFile => Path.Combine(directory, "zone.json");
    private string SecretsFile => Path.Combine(directory, "credentials");

    public int Port => int.Parse(File.ReadAllText(PortFile).Trim(), CultureInfo.InvariantCulture);
    public string ZoneId => Credentials()[0];
    public string Token => Credentials()[1];
    public string ApiBaseUrl => $"http://127.0.0.1:{Port}/client/v4";

    public async Task EnsureRunningAsync(Action<string> say, CancellationToken cancellationToken)
    {
        if (!File.Exists(StateFile))
        {
            Directory.CreateDirectory(directory);
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var zone = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var token = "demo-cf-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
            await File.WriteAllLinesAsync(SecretsFile, [zone, token], cancellationToken);
            await File.WriteAllTextAsync(PortFile, PrivateCluster.FreePort().ToString(CultureInfo.InvariantCulture), cancellationToken);
            await File.WriteAllTextAsync(StateFile, CloudflareStandIn.InitialState(zone, token, AppName, PrimaryAddress).ToJsonString(), cancellationToken);
        }
        if (await AnswersAsync(cancellationToken)) return;
        say($"starting the demo's Cloudflare stand-in (DNS records and firewall rules of a pretend zone) on 127.0.0.1:{Port}");
        // Detached (its own session, output to a file) so it outlives this command, as the cluster does.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", "exec setsid \"$0\" \"$@\" >>\"$LEOPASS_STAND_IN_LOG\" 2>&1 </dev/null &",
                     Environment.ProcessPath ?? "dotnet", typeof(DemoCloudflare).Assembly.Location, "demo", CloudflareStandInCommand.Name, "--data-dir", Path.GetDirectoryName(directory)! })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LEOPASS_STAND_IN_LOG"] = Path.Combine(directory, "stand-in.log");
        using (var shell = Process.Start(start) ?? throw new InvalidOperationException("could not start the demo's Cloudflare stand-in"))
        {
            await shell.WaitForExitAsync(cancellationToken);
        }
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (!await AnswersAsync(cancellationToken))
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException($"the demo's Cloudflare stand-in did not answer on 127.0.0.1:{Port} within 30 s; see {Path.Combine(directory, "stand-in.log")}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Stops the stand-in; false when it was not running.</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(PidFile)) return false;
        var pid = int.Parse((await File.ReadAllTextAsync(PidFile, cancellationToken)).Trim(), CultureInfo.InvariantCulture);
        File.Delete(PidFile);
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The stand-in's foreground loop (the detached process runs this): records its pid, serves until stopped.</summary>
    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(PidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await new CloudflareStandIn(directory, TimeProvider.System).ServeAsync(Port, cancellationToken);
    }

    private string[] Credentials() => File.ReadAllLines(SecretsFile);

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiBaseUrl}/zones/{ZoneId}/dns_records");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
