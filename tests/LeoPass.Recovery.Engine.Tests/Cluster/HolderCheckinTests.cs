using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using System.Globalization;
using System.Text.Json;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class HolderCheckinTests
{
    [Fact]
    public async Task Run_status_shows_the_holder_and_its_last_check_in_and_after_a_kill_9_with_no_survivor_the_node_presumed_dead()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("held.json", Definition("held", Sleep("long", "PT60S"))));
        // A check-in every second: the failover time is 4 s.
        var server = await cluster.StartServerAsync(new Dictionary<string, string?> { ["LEOPASS_CLUSTER_CHECKIN_INTERVAL"] = "1" });
        var runId = await cluster.Client.StartRunAsync("held");
        await cluster.Client.WaitForStepAsync(runId, "long", StepState.Running);
        var id = runId.ToString(CultureInfo.InvariantCulture);

        var alive = await StatusAsync(cluster, id);
        Assert.True(alive.ExitCode == 0, alive.ToString());
        Assert.Contains($"held by node {server.NodeId}, last checked in", alive.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("presumed dead", alive.StandardOutput, StringComparison.Ordinal);
        var asked = DateTimeOffset.UtcNow;
        using (var json = JsonDocument.Parse((await StatusAsync(cluster, id, "--json")).StandardOutput))
        {
            // A live node checked in within a few of its 1 s intervals of the question (the CLI takes its time to start).
            var checkedIn = json.RootElement.GetProperty("holderCheckedInAt").GetDateTimeOffset();
            Assert.InRange(checkedIn, asked - TimeSpan.FromSeconds(3), DateTimeOffset.UtcNow);
            Assert.False(json.RootElement.GetProperty("holderPresumedDead").GetBoolean());
        }

        server.KillProcessOnly();
        var killedAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(5.5));

        var dead = await StatusAsync(cluster, id);
        Assert.Contains("Running", dead.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"held by node {server.NodeId}, which last checked in", dead.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("node presumed dead", dead.StandardOutput, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse((await StatusAsync(cluster, id, "--json")).StandardOutput))
        {
            Assert.True(json.RootElement.GetProperty("holderPresumedDead").GetBoolean());
            Assert.True(json.RootElement.GetProperty("holderCheckedInAt").GetDateTimeOffset() <= killedAt);
        }
        await cluster.Client.Operations.AbortAsync(runId, "test over", "tester");
    }

    private static Task<CliResult> StatusAsync(ClusterFixture cluster, string runId, params string[] extra) =>
        CliRunner.RunAsync(new Dictionary<string, string?>
        {
            ["RECOVERY_DATABASE_URL"] = cluster.Client.Database.Url,
            ["LEOPASS_SCHEDULER_NAME"] = cluster.SchedulerName,
            ["LEOPASS_WORKFLOWS_DIR"] = cluster.WorkflowsDirectory,
            ["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1",
        }, TimeSpan.FromMinutes(3), ["run", "status", runId, .. extra]);
}
