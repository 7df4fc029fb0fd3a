using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

/// <summary>
/// How an idle server learns of a run started by another process: a PostgreSQL notification wakes
/// it at once; its poll (LEOPASS_POLL_INTERVAL) only recovers a notification that was lost. Not
/// timed for speed (benchmarks are scripts/bench/engine.sh): each bound here is one a poll of the
/// configured interval could never meet.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RunSignalTests
{
    private static readonly TimeSpan WithinFiveSeconds = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_notification_wakes_an_idle_server_polling_every_60_s_and_a_run_started_by_another_process_begins_within_5_s()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("wake.json", Definition("wake", Noop("first"))));
        await cluster.StartServerAsync(new Dictionary<string, string?> { ["LEOPASS_POLL_INTERVAL"] = "60" });

        for (var i = 0; i < 2; i++)
        {
            // The second run comes while the server is idle again, long after its start-up look.
            var runId = await cluster.Client.StartRunAsync("wake");
            var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded);
            Assert.True(run.StartedAt - run.CreatedAt < WithinFiveSeconds, $"run {runId} was created at {run.CreatedAt:O} and started at {run.StartedAt:O}\n{cluster.ServerOutput()}");
        }
    }

    [Fact]
    public async Task A_lost_notification_is_recovered_by_the_poll()
    {
        // This client announces nothing: the only way the server can learn of the run is its 1 s poll.
        await using var cluster = await ClusterFixture.CreateAsync(sendRunSignals: false, ("lost.json", Definition("lost", Noop("first"))));
        await cluster.StartServerAsync(new Dictionary<string, string?> { ["LEOPASS_POLL_INTERVAL"] = "1" });

        var runId = await cluster.Client.StartRunAsync("lost");

        var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded);
        Assert.NotNull(run.StartedAt);
    }

    [Fact]
    public async Task A_server_whose_listening_connection_was_killed_listens_again_and_is_woken_by_the_next_notification()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("relisten.json", Definition("relisten", Noop("first"))));
        var server = await cluster.StartServerAsync(new Dictionary<string, string?> { ["LEOPASS_POLL_INTERVAL"] = "60" });
        var listener = $"leopass listen {server.NodeId}";
        var before = await cluster.Client.Database.ScalarAsync<int>($"SELECT pid FROM pg_stat_activity WHERE application_name = '{listener}'");

        Assert.True(await cluster.Client.Database.ScalarAsync<bool>($"SELECT pg_terminate_backend({before})"));
        var after = await WaitForListenerAsync(cluster.Client.Database, listener, before);

        Assert.NotEqual(before, after);
        var runId = await cluster.Client.StartRunAsync("relisten");
        var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded);
        Assert.True(run.StartedAt - run.CreatedAt < WithinFiveSeconds, $"run {runId} was created at {run.CreatedAt:O} and started at {run.StartedAt:O}\n{cluster.ServerOutput()}");
        Assert.Contains("run notifications interrupted", server.Output, StringComparison.Ordinal);
    }

    /// <summary>The pid of the server's listening connection once it is another one than <paramref name="killed"/> and has issued its LISTEN.</summary>
    private static async Task<int> WaitForListenerAsync(TestDatabase database, string applicationName, int killed)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var pid = await database.ScalarAsync<int?>(
                $"SELECT pid FROM pg_stat_activity WHERE application_name = '{applicationName}' AND pid <> {killed} AND query LIKE 'LISTEN%' AND state = 'idle'");
            if (pid is { } listening) return listening;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no connection '{applicationName}' listened again after pid {killed} was terminated");
    }
}
