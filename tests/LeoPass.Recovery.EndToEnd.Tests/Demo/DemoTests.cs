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

            var second = await CliRunner.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromMinutes(6), "demo", "--no-serve", "--data-dir", dataDir);
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.DoesNotContain("creating a private PostgreSQL cluster", second.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("created the sample database", second.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(dataDir, "backups"), "*.manifest.json").Length);
            Assert.Equal(2, Regex.Matches(await File.ReadAllTextAsync(Path.Combine(dataDir, "SHIP_NOTES.md")), "<!-- leopass-recovery run").Count);
        }
        finally
        {
            await StopClusterAsync(Path.Combine(dataDir, "postgres", "data"));
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
