using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class NodeCrashTests
{
    [Fact]
    public async Task Killing_the_node_mid_step_lets_the_other_node_finish_with_a_new_attempt_and_the_step_completes_once()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("crash.json", Definition("crash", Noop("before"), Sleep("long", "PT6S"), Noop("after"))));
        var servers = await cluster.StartServersAsync(2);
        var runId = await cluster.Client.StartRunAsync("crash");

        await cluster.Client.WaitForStepAsync(runId, "long", StepState.Running);
        await Task.Delay(500);
        var first = (await cluster.Client.Queries.JournalAsync(runId)).Single(a => a.StepId == "long");
        var victim = servers.Single(s => s.NodeId == first.Node);
        victim.Kill();

        var run = await cluster.Client.WaitForAsync(runId, RunState.Succeeded, RunState.Halted, RunState.Aborted);
        Assert.True(run.State == RunState.Succeeded, cluster.ServerOutput());

        var survivor = servers.Single(s => s != victim).NodeId;
        var attempts = (await cluster.Client.Queries.JournalAsync(runId)).Where(a => a.StepId == "long").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("Interrupted", attempts[0].Outcome);
        Assert.Equal(victim.NodeId, attempts[0].Node);
        Assert.Contains($"node {victim.NodeId} stopped before the attempt ended", attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal("Succeeded", attempts[1].Outcome);
        Assert.Equal(survivor, attempts[1].Node);
        Assert.Equal(1, await cluster.Client.CountEventsAsync(runId, "long", "completed"));
        Assert.Single(await cluster.Client.Queries.JournalAsync(runId), a => a.StepId == "before");
        Assert.Single(await cluster.Client.Queries.JournalAsync(runId), a => a.StepId == "after");
        Assert.Contains(await cluster.Client.Queries.AuditAsync(runId), a => a.Action == "run.takeover" && a.Who == $"node:{survivor}");
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    // Server processes are heavy on a 2-core machine: cluster tests run one at a time.
    public const string Name = "cluster";
}
