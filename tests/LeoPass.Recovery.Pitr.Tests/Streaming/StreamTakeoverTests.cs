using System.Diagnostics;
using System.Globalization;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Pitr.Tests.Support;
using LeoPass.Recovery.TestSupport;
using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Pitr.Tests.Streaming;

public sealed class StreamTakeoverTests
{
    [Fact]
    public async Task After_kill_9_of_the_streaming_node_another_node_streams_within_30_seconds_and_the_shipped_sequence_has_no_gap()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 5);
        bed.RecordMarkersInSmokeTest();
        // Two machines, as far as the stream can tell: each node has a spool of its own.
        Dictionary<string, string?> NodeEnvironment(string name) => new(bed.Variables) { ["PG_BIN_DIR"] = null, ["WAL_SPOOL_DIR"] = Path.Combine(bed.WorkDirectory, "spool-" + name) };
        await using var first = await ServerNode.StartAsync(NodeEnvironment("first"));
        await using var second = await ServerNode.StartAsync(NodeEnvironment("second"));
        var catalogue = bed.Catalogue();
        var holder = await WaitForHolderAsync(catalogue, [first, second], TimeSpan.FromSeconds(60));
        var other = holder == first ? second : first;

        // A base backup the restore can replay from, taken by the cluster (either node runs it).
        var engine = await bed.StartEngineNodeAsync();
        var backup = await PitrTestBed.RunAsync(engine, "base-backup");
        Assert.True(backup.State == RunState.Succeeded, PitrTestBed.Steps(backup));

        await bed.InsertMarkerAsync("before-kill");
        var killedAt = Stopwatch.StartNew();
        holder.KillProcessOnly();
        await bed.InsertMarkerAsync("after-kill");
        var takeover = await WaitForHolderAsync(catalogue, [other], TimeSpan.FromSeconds(60));
        var tookOverIn = killedAt.Elapsed;
        Assert.True(tookOverIn <= TimeSpan.FromSeconds(30), $"the surviving node streamed {tookOverIn.TotalSeconds:0.0} s after the kill");
        Assert.Same(other, takeover);

        await bed.InsertMarkerAsync("later");
        var last = Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"));
        await bed.WaitForSegmentAsync(s => s.EndLsn > (long)last.Value, TimeSpan.FromSeconds(120), $"holding {last}, after the takeover");

        // By name: every segment from the first shipped to the newest, each once.
        var numbers = (await catalogue.ListSegmentsAsync()).Select(s => s.SegmentNumber!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + i), numbers);
        // By a restore that replays through the kill: all three markers come back.
        var drill = await PitrTestBed.RunAsync(engine, "pitr-drill");
        Assert.True(drill.State == RunState.Succeeded, PitrTestBed.Steps(drill));
        Assert.Equal("before-kill,after-kill,later", bed.MarkersSeenBy(drill.Id));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream takeover after kill -9: {tookOverIn.TotalSeconds:0.0} s"));
    }

    /// <summary>The node among <paramref name="nodes"/> that holds the stream's lease now (its heartbeat names its process).</summary>
    private static async Task<ServerNode> WaitForHolderAsync(Backup.Catalogue.PitrCatalogue catalogue, ServerNode[] nodes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await catalogue.StreamStateAsync() is { LastError: null } state)
            {
                var pid = int.Parse(state.Node.Split(':')[^1], CultureInfo.InvariantCulture);
                if (nodes.FirstOrDefault(n => n.ProcessId == pid) is { } node && DateTime.UtcNow - state.HeartbeatAt.UtcDateTime < TimeSpan.FromSeconds(10)) return node;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"none of the nodes streamed within {timeout.TotalSeconds:0} s:\n{string.Join("\n---\n", nodes.Select(n => n.Output))}");
    }
}
