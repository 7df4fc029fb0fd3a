using System.Text.RegularExpressions;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.EndToEnd.Tests.Demo;

/// <summary>The newcomer's first command, run as they would run it: nothing configured.</summary>
public class DemoTests
{
    [Fact]
    public async Task Demo_without_configuration_backs_up_drills_and_reports_then_reuses_its_state()
    {
        var parent = Directory.CreateTempSubdirectory("leopass-e2e-demo-");
        // As root the demo's cluster runs as the postgres user, who must be able to reach it.
        parent.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute;
        var dataDir = Path.Combine(parent.FullName, "demo");
        try
        {
            var first = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(6), "demo", "--no-serve", "--data-dir", dataDir);
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("creating a private PostgreSQL cluster", first.StandardOutput, StringComparison.Ordinal);
            Assert.Matches(@"key\s+leopass-\d{4}-\d{2}-\d{2}T\d{6}Z-[0-9a-f]{8}\.dump\.zst\.pgp", first.StandardOutput);
            Assert.Matches(@"drill run \d+ succeeded", first.StandardOutput);
            Assert.Matches(@"\*\*RPO:\*\* .+ \(target 24 h 00 min\) — met", first.StandardOutput);
            Assert.Matches(@"\*\*RTO:\*\* .+ \(target 2 h 00 min\) — met", first.StandardOutput);
            Assert.Single(Directory.GetFiles(Path.Combine(dataDir, "backups"), "*.manifest.json"));
            var shipNotes = await File.ReadAllTextAsync(Path.Combine(dataDir, "SHIP_NOTES.md"));
            Assert.Contains("restore-drill", shipNotes, StringComparison.Ordinal);

            Assert.Contains("`leopass-recovery demo --stop` stops it", first.StandardOutput, StringComparison.Ordinal);
            await All_three_restore_definitions_run_to_the_end_on_the_demo_configuration(dataDir);

            var second = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(6), "demo", "--no-serve", "--data-dir", dataDir);
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.DoesNotContain("creating a private PostgreSQL cluster", second.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("created the sample database", second.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(dataDir, "backups"), "*.manifest.json").Length);
            // Two demo drills, the rehearsal and the incident restore: one post-mortem entry each.
            Assert.Equal(4, Regex.Matches(await File.ReadAllTextAsync(Path.Combine(dataDir, "SHIP_NOTES.md")), "<!-- leopass-recovery run").Count);

            var postmaster = Path.Combine(dataDir, "postgres", "data", "postmaster.pid");
            Assert.True(File.Exists(postmaster), "the demo's PostgreSQL keeps running after `demo` exits");
            var stop = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(3), "demo", "--stop", "--data-dir", dataDir);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Contains("stopped the demo's PostgreSQL", stop.StandardOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(postmaster), "`demo --stop` stops the demo's PostgreSQL");
            var again = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(3), "demo", "--stop", "--data-dir", dataDir);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("is not running; nothing to stop", again.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            await StopClusterAsync(Path.Combine(dataDir, "postgres", "data"));
        }
    }

    /// <summary>
    /// With the environment the demo wrote (its stand-ins for the workers and the services),
    /// dr-rehearsal and incident-restore run all nine steps — each gate approved with the command
    /// the approval hint prints — and `backup list` shows the backup the demo verified.
    /// </summary>
    private static async Task All_three_restore_definitions_run_to_the_end_on_the_demo_configuration(string dataDir)
    {
        var environment = DemoEnvironment(Path.Combine(dataDir, "demo.env"));
        var list = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(3), "backup", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.DoesNotContain("never", list.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"ok \(\d{4}-\d{2}-\d{2}", list.StandardOutput);

        foreach (var (definition, extra) in new[] { ("dr-rehearsal", Array.Empty<string>()), ("incident-restore", new[] { "--confirm", "leopass_restore" }) })
        {
            var started = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), ["drill", "start", "--definition", definition, .. extra, "--wait"]);
            Assert.True(started.ExitCode == 3, $"{definition} should wait at the restore gate: {started}");
            var runId = Regex.Match(started.StandardError, @"run (\d+) waits for approval at step 'restore'").Groups[1].Value;
            Assert.Contains($"`run approve {runId} --step restore`", started.StandardError, StringComparison.Ordinal);

            var restored = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), "run", "approve", runId, "--step", "restore", "--wait");
            Assert.True(restored.ExitCode == 3, $"{definition} should wait at the reopen gate: {restored}");
            Assert.Contains($"`run approve {runId} --step reopen`", restored.StandardError, StringComparison.Ordinal);

            var reopened = await CliRunner.RunAsync(environment, TimeSpan.FromMinutes(5), "run", "approve", runId, "--step", "reopen", "--wait");
            Assert.True(reopened.ExitCode == 0, $"{definition} should succeed: {reopened}");
            var workers = await File.ReadAllTextAsync(Path.Combine(dataDir, "workers.log"));
            Assert.Contains($"pause (run {runId})", workers, StringComparison.Ordinal);
            Assert.Contains($"resume (run {runId})", workers, StringComparison.Ordinal);
        }
        Assert.Contains("DATABASE_URL=", await File.ReadAllTextAsync(Path.Combine(dataDir, "services.env")), StringComparison.Ordinal);
    }

    /// <summary>The variables of demo.env (lines <c>export NAME='value'</c>), as `source demo.env` would set them.</summary>
    private static Dictionary<string, string?> DemoEnvironment(string path) =>
        File.ReadAllLines(path).Where(l => l.StartsWith("export ", StringComparison.Ordinal)).Select(l => l["export ".Length..]).ToDictionary(
            l => l[..l.IndexOf('=', StringComparison.Ordinal)],
            l => (string?)l[(l.IndexOf('=', StringComparison.Ordinal) + 2)..^1].Replace("'\\''", "'", StringComparison.Ordinal));

    private static async Task StopClusterAsync(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid"))) return;
        var pgCtl = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_ctl")).First(File.Exists);
        var asRoot = Environment.UserName == "root";
        await ExternalTool.RunAsync(asRoot ? "runuser" : pgCtl, asRoot ? ["-u", "postgres", "--", pgCtl, "-D", dataDirectory, "-m", "fast", "stop"] : ["-D", dataDirectory, "-m", "fast", "stop"]);
    }
}
