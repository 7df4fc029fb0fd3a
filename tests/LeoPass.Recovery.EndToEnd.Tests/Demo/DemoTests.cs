using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.EndToEnd.Tests.Demo;

/// <summary>The newcomer's first command, run as they would run it: nothing configured.</summary>
public partial class DemoTests
{
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Demo_without_configuration_backs_up_drills_reports_and_serves_the_console_with_a_token_that_signs_in_then_reuses_its_state()
    {
        var parent = Directory.CreateTempSubdirectory("leopass-e2e-demo-");
        // As root the demo's cluster runs as the postgres user, who must be able to reach it.
        parent.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute;
        var dataDir = Path.Combine(parent.FullName, "demo");
        var console = $"http://127.0.0.1:{FreePort.Next()}";
        var environment = new Dictionary<string, string?> { ["LEOPASS_LISTEN_URL"] = console };
        try
        {
            // First run: everything made anew, then the server, the console's address and a token.
            var first = await ServeAsync(environment, dataDir);
            Assert.Contains("creating a private PostgreSQL cluster", first.Output, StringComparison.Ordinal);
            Assert.Contains("starting the demo's Cloudflare stand-in", first.Output, StringComparison.Ordinal);
            Assert.Matches(@"key\s+leopass-\d{4}-\d{2}-\d{2}T\d{6}Z-[0-9a-f]{8}\.dump\.zst\.pgp", first.Output);
            Assert.Matches(@"\*\*RPO:\*\* .+ \(target 24 h 00 min\) — met", first.Output);
            Assert.Matches(@"\*\*RTO:\*\* .+ \(target 2 h 00 min\) — met", first.Output);
            Assert.Contains($"the console: {console}/ — the drill you just ran: {console}/runs/{first.RunId}", first.Output, StringComparison.Ordinal);
            Assert.Contains("created now", first.Output, StringComparison.Ordinal);
            // The token is the demo's to show again: owner-only, beside its other state.
            Assert.Equal(first.Token, (await File.ReadAllTextAsync(Path.Combine(dataDir, "console-token"))).Trim());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, "console-token")));
            Assert.Single(Directory.GetFiles(Path.Combine(dataDir, "backups"), "*.manifest.json"));
            var shipNotes = await File.ReadAllTextAsync(Path.Combine(dataDir, "SHIP_NOTES.md"));
            Assert.Contains("restore-drill", shipNotes, StringComparison.Ordinal);
            // The demo's public address is where it listens: its post-mortems link to the run's page.
            Assert.Contains($"- **Run page:** {console}/runs/{first.RunId}", shipNotes, StringComparison.Ordinal);

            // Second run: the cluster, the sample database and the still valid token are reused.
            var second = await ServeAsync(environment, dataDir);
            Assert.DoesNotContain("creating a private PostgreSQL cluster", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("created the sample database", second.Output, StringComparison.Ordinal);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(dataDir, "backups"), "*.manifest.json").Length);
            Assert.Equal(2, Regex.Matches(await File.ReadAllTextAsync(Path.Combine(dataDir, "SHIP_NOTES.md")), "<!-- leopass-recovery run").Count);
            Assert.Equal(first.Token, second.Token);
            Assert.Contains("still valid", second.Output, StringComparison.Ordinal);

            // Revoked, the kept token is never shown again: the next run makes a new one, which signs in.
            var revoke = await CliRunner.RunAsync(DemoEnvironment(dataDir), TimeSpan.FromMinutes(2), "token", "revoke", "demo-operator");
            Assert.True(revoke.ExitCode == 0, revoke.ToString());
            var third = await ServeAsync(environment, dataDir, whileServing: async () =>
            {
                using var old = Api(console, first.Token);
                using var refused = await old.GetAsync("api/me");
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            });
            Assert.NotEqual(first.Token, third.Token);
            Assert.Contains("created now", third.Output, StringComparison.Ordinal);

            // With the environment the demo wrote, the other restore definitions run to the end too;
            // then `demo --stop` stops the demo's PostgreSQL.
            Assert.Contains("`leopass-recovery demo --stop` stops it", first.Output, StringComparison.Ordinal);
            await All_three_restore_definitions_run_to_the_end_on_the_demo_configuration(dataDir);
            var postmaster = Path.Combine(dataDir, "postgres", "data", "postmaster.pid");
            Assert.True(File.Exists(postmaster), "the demo's PostgreSQL keeps running after `demo` exits");
            var stop = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(3), "demo", "--stop", "--data-dir", dataDir);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Contains("stopped the demo's PostgreSQL", stop.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("stopped the demo's Cloudflare stand-in", stop.StandardOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "cloudflare", "pid")), "`demo --stop` stops the Cloudflare stand-in");
            Assert.False(File.Exists(postmaster), "`demo --stop` stops the demo's PostgreSQL");
            var again = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(3), "demo", "--stop", "--data-dir", dataDir);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("is not running; nothing to stop", again.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            await StopClusterAsync(Path.Combine(dataDir, "postgres", "data"));
            StopCloudflareStandIn(Path.Combine(dataDir, "cloudflare", "pid"));
        }
    }

    private sealed record Served(string Output, long RunId, string Token);

    /// <summary>
    /// Runs `demo` (serving) until it prints the token, proves the token signs in as an operator and
    /// the printed link opens the console on the drill it just ran, then stops the demo and its server.
    /// </summary>
    private static async Task<Served> ServeAsync(Dictionary<string, string?> environment, string dataDir, Func<Task>? whileServing = null)
    {
        await using var demo = CliRunner.Start(environment, "demo", "--data-dir", dataDir);
        var deadline = DateTime.UtcNow + DemoTimeout;
        Match token;
        while (!(token = TokenLine().Match(demo.StandardOutputSoFar)).Success)
        {
            Assert.False(demo.HasExited, $"demo exited before printing a token:\n{demo.StandardOutputSoFar}\n{demo.StandardErrorSoFar}");
            Assert.True(DateTime.UtcNow < deadline, $"demo printed no token within {DemoTimeout}:\n{demo.StandardOutputSoFar}\n{demo.StandardErrorSoFar}");
            await Task.Delay(200);
        }
        var output = demo.StandardOutputSoFar;
        var runId = long.Parse(DrillLine().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var console = environment["LEOPASS_LISTEN_URL"]!;

        using var api = Api(console, token.Groups[1].Value);
        var me = (await api.GetFromJsonAsync<JsonNode>("api/me"))!;
        Assert.Equal("demo-operator", me["name"]!.GetValue<string>());
        Assert.Equal("operator", me["role"]!.GetValue<string>());
        var run = (await api.GetFromJsonAsync<JsonNode>($"api/runs/{runId}"))!;
        Assert.Equal("restore-drill", run["run"]!["definitionId"]!.GetValue<string>());
        Assert.Equal("Succeeded", run["run"]!["state"]!.GetValue<string>());
        using var page = await api.GetAsync($"runs/{runId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("_framework/blazor.webassembly", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        if (whileServing is not null) await whileServing();
        // Disposing kills the demo and the server under it.
        return new Served(output, runId, token.Groups[1].Value);
    }

    private static HttpClient Api(string baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The variables of .demo/demo.env (`export NAME='value'` lines), as `source .demo/demo.env` sets them.</summary>
    private static Dictionary<string, string?> DemoEnvironment(string dataDir) =>
        File.ReadAllLines(Path.Combine(dataDir, "demo.env")).Select(l => EnvLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => (string?)m.Groups[2].Value.Replace("'\\''", "'", StringComparison.Ordinal));

    [GeneratedRegex(@"(?m)^(lpr_[A-Za-z0-9_\-]{20,})\r?$")]
    private static partial Regex TokenLine();

    [GeneratedRegex(@"drill run (\d+) succeeded")]
    private static partial Regex DrillLine();

    [GeneratedRegex(@"^export ([A-Z_]+)='(.*)'$")]
    private static partial Regex EnvLine();

    /// <summary>
    /// With the environment the demo wrote (its stand-ins for Cloudflare, the workers and the
    /// services), dr-rehearsal and incident-restore run every step — each gate approved with the
    /// command the approval hint prints — the rehearsal's report shows the infrastructure check, the
    /// DNS failover, its propagation and the failback with their times inside the RTO, dns-failback
    /// puts the incident's DNS back, and `backup list` shows the backup the demo verified.
    /// </summary>
    private static async Task All_three_restore_definitions_run_to_the_end_on_the_demo_configuration(string dataDir)
    {
        var environment = DemoEnvironment(dataDir);
        var list = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(3), "backup", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.DoesNotContain("never", list.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"ok \(\d{4}-\d{2}-\d{2}", list.StandardOutput);

        var runs = new Dictionary<string, string>();
        foreach (var (definition, extra, gates) in new[]
        {
            ("dr-rehearsal", Array.Empty<string>(), new[] { "restore", "reopen" }),
            ("incident-restore", new[] { "--confirm", "leopass_restore" }, new[] { "restore", "failover", "reopen" }),
        })
        {
            var started = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), ["drill", "start", "--definition", definition, .. extra, "--wait"]);
            Assert.True(started.ExitCode == 3, $"{definition} should wait at the restore gate: {started}");
            var runId = Regex.Match(started.StandardError, @"run (\d+) waits for approval at step 'restore'").Groups[1].Value;
            runs[definition] = runId;
            var waiting = started;
            for (var i = 0; i < gates.Length; i++)
            {
                Assert.Contains($"`run approve {runId} --step {gates[i]}`", waiting.StandardError, StringComparison.Ordinal);
                waiting = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), "run", "approve", runId, "--step", gates[i], "--wait");
                var last = i == gates.Length - 1;
                Assert.True(waiting.ExitCode == (last ? 0 : 3), $"{definition} after approving {gates[i]} should {(last ? "succeed" : $"wait at {gates[i + 1]}")}: {waiting}");
            }
            var workers = await File.ReadAllTextAsync(Path.Combine(dataDir, "workers.log"));
            Assert.Contains($"pause (run {runId})", workers, StringComparison.Ordinal);
            Assert.Contains($"resume (run {runId})", workers, StringComparison.Ordinal);
        }
        Assert.Contains("DATABASE_URL=", await File.ReadAllTextAsync(Path.Combine(dataDir, "services.env")), StringComparison.Ordinal);

        // The rehearsal: every step ran, and the report shows the check, the failover with its propagation and the failback, timed.
        var report = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(3), "run", "report", runs["dr-rehearsal"], "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        var json = JsonNode.Parse(report.StandardOutput)!;
        var steps = json["steps"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!);
        Assert.All(steps.Values, s => Assert.Equal("Succeeded", s!["state"]!.GetValue<string>()));
        Assert.Equal(["check", "quarantine", "provision", "download", "restore", "migrate", "reconfigure", "validate", "failover", "reopen", "failback", "post-mortem"], steps.Keys);
        var rto = json["rtoSeconds"]!.GetValue<double>();
        foreach (var inRto in new[] { "check", "failover" })
        {
            Assert.True(steps[inRto]!["countsTowardRto"]!.GetValue<bool>(), $"{inRto} counts toward the RTO");
            Assert.True(steps[inRto]!["workSeconds"]!.GetValue<double>() > 0, $"{inRto} is timed");
        }
        Assert.True(rto >= steps["check"]!["totalSeconds"]!.GetValue<double>() + steps["failover"]!["totalSeconds"]!.GetValue<double>(), $"the RTO {rto} s holds the check and the failover");
        Assert.True(steps["failback"]!["workSeconds"]!.GetValue<double>() > 0, "the failback is timed");
        var propagation = json["dns"]!["propagationSeconds"]!.GetValue<double>();
        Assert.InRange(propagation, 0, steps["failover"]!["workSeconds"]!.GetValue<double>());
        Assert.Equal("put back", json["dns"]!["records"]![0]!["now"]!.GetValue<string>());
        Assert.Contains(json["infrastructure"]!.AsArray(), f => f!["check"]!.GetValue<string>() == "target-major-version" && f["outcome"]!.GetValue<string>() == "passed");
        var markdown = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(3), "run", "report", runs["dr-rehearsal"]);
        Assert.Contains("| DNS propagation (inside step failover) |", markdown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("| A app.leopass.demo | 192.0.2.10 (ttl 300, not proxied) | 192.0.2.20 (ttl 60, not proxied) | put back |", markdown.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("**Infrastructure check**", markdown.StandardOutput, StringComparison.Ordinal);

        // The incident left DNS on the standby; dns-failback, behind its gate, puts it back.
        Assert.Equal("192.0.2.20", DemoRecord(dataDir));
        var failback = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), "run", "start", "dns-failback", "--param", $"failoverRun={runs["incident-restore"]}", "--wait");
        Assert.True(failback.ExitCode == 3, $"dns-failback should wait at its gate: {failback}");
        var failbackRun = Regex.Match(failback.StandardError, @"run (\d+) waits for approval at step 'failback'").Groups[1].Value;
        var failedBack = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), "run", "approve", failbackRun, "--step", "failback", "--wait");
        Assert.True(failedBack.ExitCode == 0, failedBack.ToString());
        Assert.Equal("192.0.2.10", DemoRecord(dataDir));
        var requests = await File.ReadAllTextAsync(Path.Combine(dataDir, "cloudflare", "requests.log"));
        Assert.Equal(4, Regex.Matches(requests, @" PATCH /client/v4/zones/[0-9a-f]+/dns_records/demo-record-app 200").Count);
    }

    /// <summary>What the demo's pretend zone says app.leopass.demo points at.</summary>
    private static string DemoRecord(string dataDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(dataDir, "cloudflare", "zone.json")))!["records"]![0]!["content"]!.GetValue<string>();

    private static void StopCloudflareStandIn(string pidFile)
    {
        if (!File.Exists(pidFile)) return;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }


    private static async Task StopClusterAsync(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))) return;
        var pgCtl = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_ctl")).First(File.Exists);
        var asRoot = Environment.UserName == "root";
        await ExternalTool.RunAsync(asRoot ? "runuser" : pgCtl, asRoot ? ["-u", "postgres", "--", pgCtl, "-D", dataDirectory, "-m", "fast", "stop"] : ["-D", dataDirectory, "-m", "fast", "stop"]);
    }
}
