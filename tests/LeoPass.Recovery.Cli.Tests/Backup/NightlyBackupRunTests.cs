using System.Text.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Backup;

/// <summary>The nightly backup as a workflow run on the engine, the way the scheduler fires it.</summary>
public class NightlyBackupRunTests
{
    /// <summary>Where responders reach the console (LEOPASS_PUBLIC_URL): alerts link to the run's page under it.</summary>
    private const string PublicUrl = "https://recovery.ops.example.test";

    [Fact]
    public async Task Nightly_backup_run_dumps_verifies_prunes_and_pushes_kuma_up_once_with_the_runs_page()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 2_000);
        env.Variables["LEOPASS_PUBLIC_URL"] = PublicUrl + "/";
        var result = await env.RunAsync("run", "start", "nightly-backup", "--wait", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var run = JsonDocument.Parse(result.StandardOutput);
        var runPage = $"{PublicUrl}/runs/{run.RootElement.GetProperty("id").GetInt64()}";
        Assert.Equal("Succeeded", run.RootElement.GetProperty("state").GetString());
        var steps = run.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["dump-upload", "verify", "prune", "notify"], steps.Select(s => s.GetProperty("stepId").GetString()));
        Assert.All(steps, s => Assert.Equal(1, s.GetProperty("attempts").GetInt32()));
        var dump = JsonNode.Parse(steps[0].GetProperty("output").GetString()!)!;
        var verify = JsonNode.Parse(steps[1].GetProperty("output").GetString()!)!;
        Assert.Equal(dump["key"]!.GetValue<string>(), verify["key"]!.GetValue<string>());
        Assert.True(verify["decrypted"]!.GetValue<bool>(), "with the private key configured the verify step decrypts");

        var pushes = await env.Alerts.WaitForAsync(r => r.Path == "/api/push/kumatoken77");
        var push = Assert.Single(pushes);
        Assert.Equal("up", push.Query("status"));
        Assert.Contains(dump["key"]!.GetValue<string>(), push.Query("msg"), StringComparison.Ordinal);
        Assert.EndsWith(" " + runPage, push.Query("msg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nightly_backup_run_that_cannot_dump_halts_and_alerts_down_in_every_channel_with_the_runs_page()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 10);
        // A copy of the definition whose retry does not wait five minutes.
        var workflows = Directory.CreateTempSubdirectory("leopass-e2e-wf-").FullName;
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "workflows", "nightly-backup.json")))!;
        definition["steps"]![0]!["retry"] = new JsonObject { ["maxAttempts"] = 1 };
        await File.WriteAllTextAsync(Path.Combine(workflows, "nightly-backup.json"), definition.ToJsonString());
        File.Copy(Path.Combine(RepositoryRoot.Path, "workflows", "schema.json"), Path.Combine(workflows, "schema.json"));
        env.Variables["LEOPASS_WORKFLOWS_DIR"] = workflows;
        env.Variables["DATABASE_URL"] = $"postgresql://app:{CliBackupEnvironment.DatabasePassword}@127.0.0.1:{FreePort.Next()}/leopass";
        env.Variables["LEOPASS_PUBLIC_URL"] = PublicUrl;

        var result = await env.RunAsync("run", "start", "nightly-backup", "--wait", "--json");
        Assert.Equal(1, result.ExitCode);
        using var run = JsonDocument.Parse(result.StandardOutput);
        var runPage = $"{PublicUrl}/runs/{run.RootElement.GetProperty("id").GetInt64()}";
        Assert.Equal("Halted", run.RootElement.GetProperty("state").GetString());
        var dumpStep = run.RootElement.GetProperty("steps")[0];
        Assert.Equal("Failed", dumpStep.GetProperty("state").GetString());
        Assert.Contains("cannot connect to the source database", dumpStep.GetProperty("error").GetString(), StringComparison.Ordinal);
        var push = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path == "/api/push/kumatoken77"));
        Assert.Equal("down", push.Query("status"));
        Assert.EndsWith(" " + runPage, push.Query("msg"), StringComparison.Ordinal);
        Assert.StartsWith("nightly-backup FAILED", push.Query("msg"), StringComparison.Ordinal);
        var webhook = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path == "/ops-hook"));
        using (var body = JsonDocument.Parse(webhook.Body)) Assert.Equal(runPage, body.RootElement.GetProperty("run_url").GetString());
        var sentry = Assert.Single(await env.Alerts.WaitForAsync(r => r.Path.StartsWith("/api/17/envelope", StringComparison.Ordinal)));
        var sentryEvent = JsonNode.Parse(sentry.Body.Split('\n')[2])!;
        Assert.Equal(runPage, sentryEvent["extra"]!["run_url"]!.GetValue<string>());
        Assert.EndsWith(" — " + runPage, sentryEvent["message"]!["formatted"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(CliBackupEnvironment.DatabasePassword, result.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_never_counts_on_a_node_that_is_gone()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 2_000);
        const string checkins = "SELECT count(*) FROM engine.qrtz_scheduler_state";

        // The first --wait is a temporary node; leaving cleanly, it takes its check-in with it,
        // so a second --wait right after does not mistake it for a live server.
        var first = await env.RunAsync("run", "start", "nightly-backup", "--wait", "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(0L, await env.Recovery.ScalarAsync<long>(checkins));

        // A node that died a moment ago still looks alive for a while: the follower waits for it,
        // sees it age out, and takes the run over itself instead of waiting for nobody. The ghost's
        // 10 s interval keeps it "alive" (2 intervals + the misfire threshold) for longer than the
        // second CLI needs to start on a loaded CI machine, so the follower always meets it alive.
        await env.Recovery.ExecuteAsync(
            "INSERT INTO engine.qrtz_scheduler_state (sched_name, instance_name, last_checkin_time, checkin_interval) " +
            $"VALUES ('leopass-recovery', 'ghost-node', {DateTimeOffset.UtcNow.UtcTicks}, 10000)");
        var second = await env.RunAsync("run", "start", "nightly-backup", "--wait");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("takes it over as a temporary node", second.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await env.Recovery.ScalarAsync<long>(checkins + " WHERE instance_name <> 'ghost-node'"));
    }
}
