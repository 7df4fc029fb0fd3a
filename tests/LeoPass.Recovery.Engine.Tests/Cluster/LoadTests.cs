using static LeoPass.Recovery.Engine.Tests.Support.Workflows;
using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class LoadTests
{
    [Fact]
    public async Task Twenty_runs_started_at_once_across_two_servers_each_complete_exactly_once()
    {
        await using var cluster = await ClusterFixture.CreateAsync(("load.json", Definition("load", Sleep("a", "PT0.2S"), Sleep("b", "PT0.2S"), Sleep("c", "PT0.2S"))));
        await cluster.StartServersAsync(2);

        var runIds = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cluster.Client.StartRunAsync("load")));
        var runs = await Task.WhenAll(runIds.Select(id => cluster.Client.WaitForAsync(id, RunState.Succeeded, RunState.Halted)));

        Assert.All(runs, r => Assert.Equal(RunState.Succeeded, r.State));
        var nodes = new HashSet<string>();
        foreach (var id in runIds)
        {
            var journal = await cluster.Client.Queries.JournalAsync(id);
            Assert.Equal(3, journal.Count);
            Assert.All(journal, a => Assert.Equal("Succeeded", a.Outcome));
            foreach (var step in new[] { "a", "b", "c" }) Assert.Equal(1, await cluster.Client.CountEventsAsync(id, step, "completed"));
            nodes.UnionWith(journal.Select(a => a.Node));
        }
        Assert.Equal(2, nodes.Count);
    }
}
