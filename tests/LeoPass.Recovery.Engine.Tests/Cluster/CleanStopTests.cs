using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using Npgsql;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CleanStopTests
{
    [Fact]
    public async Task A_node_stopped_cleanly_mid_step_leaves_no_orphaned_firing_and_no_check_in_and_the_next_node_finishes_the_run()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("handback.json", Definition("handback", Sleep("long", "PT8S"), Noop("after"))));
        var first = await cluster.StartServerAsync();
        var runId = await cluster.Client.StartRunAsync("handback");
        await cluster.Client.WaitForStepAsync(runId, "long", StepState.Running);

        await first.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(first.ExitCode == 0, $"a clean stop exits 0, not {first.ExitCode}; the stopped node printed:\n{first.Output}");
        Assert.Contains("left the cluster", first.Output, StringComparison.Ordinal);
        Assert.True(0 == await FiredTriggersOfAsync(cluster, first.NodeId), "fired triggers left behind; the stopped node printed:\n" + first.Output);
        Assert.True(0 == await CountAsync(cluster, "SELECT count(*) FROM engine.qrtz_scheduler_state WHERE instance_name = @node", first.NodeId),
            "the stopped node's check-in row is still there; it printed:\n" + first.Output);

        var second = await cluster.StartServerAsync();
        var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded, RunState.Halted, RunState.Aborted);
        Assert.True(run.State == RunState.Succeeded, cluster.ServerOutput());
        var attempts = (await cluster.Client.Queries.JournalAsync(runId)).Where(a => a.StepId == "long").ToList();
        Assert.Equal(["Interrupted", "Succeeded"], attempts.Select(a => a.Outcome));
        Assert.Equal(second.NodeId, attempts[1].Node);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few more check-ins of the second node
        Assert.DoesNotContain("orphaned fired triggers", second.Output, StringComparison.OrdinalIgnoreCase);
        // The warning a clean stop used to leave behind: System.CommandLine ended the process 2 s after
        // SIGTERM, before the host stopped, so the check-in row stayed and the next node recovered it.
        Assert.DoesNotContain("failed or restarted", second.Output, StringComparison.OrdinalIgnoreCase);
    }

    private static Task<long> FiredTriggersOfAsync(ClusterFixture cluster, string node) =>
        CountAsync(cluster, "SELECT count(*) FROM engine.qrtz_fired_triggers WHERE instance_name = @node", node);

    private static async Task<long> CountAsync(ClusterFixture cluster, string sql, string node)
    {
        await using var connection = new NpgsqlConnection(cluster.Client.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("node", node);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
