using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Engine.Runs;
using Npgsql;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CleanStopTests
{
    [Fact]
    public async Task A_node_stopped_cleanly_mid_step_leaves_no_orphaned_firing_so_the_next_node_warns_of_no_failed_instance()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("handback.json", Definition("handback", Sleep("long", "PT8S"), Noop("after"))));
        var first = await cluster.StartServerAsync();
        var runId = await cluster.Client.StartRunAsync("handback");
        await cluster.Client.WaitForStepAsync(runId, "long", StepState.Running);

        await first.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await FiredTriggersOfAsync(cluster, first.NodeId));

        var second = await cluster.StartServerAsync();
        var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded, RunState.Halted, RunState.Aborted);
        Assert.True(run.State == RunState.Succeeded, cluster.ServerOutput());
        var attempts = (await cluster.Client.Queries.JournalAsync(runId)).Where(a => a.StepId == "long").ToList();
        Assert.Equal(["Interrupted", "Succeeded"], attempts.Select(a => a.Outcome));
        Assert.Equal(second.NodeId, attempts[1].Node);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few more check-ins of the second node
        Assert.DoesNotContain("failed or restarted", second.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("orphaned fired triggers", second.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("failed or restarted", first.Output, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<long> FiredTriggersOfAsync(ClusterFixture cluster, string node)
    {
        await using var connection = new NpgsqlConnection(cluster.Client.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM engine.qrtz_fired_triggers WHERE instance_name = @node", connection);
        command.Parameters.AddWithValue("node", node);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
