using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class RepeatedDrillTests
{
    /// <summary>
    /// A server runs drill after drill into the same target. The second one's provision step drops the
    /// target with its sessions — among them the first drill's pooled validation connections in this
    /// very process — and its validation must not pick up one of those dead connections.
    /// </summary>
    [Fact]
    public async Task Second_drill_on_the_same_node_and_target_validates_after_the_first_one_left_pooled_connections()
    {
        await using var bed = await RunbookTestBed.CreateAsync();
        await bed.BackupAsync();
        var node = await bed.StartEngineAsync();

        var first = await node.WaitForAsync(await node.StartAsync("restore-drill"), null, RunState.Succeeded, RunState.Halted);
        Assert.Equal(RunState.Succeeded, first.State);
        var second = await node.WaitForAsync(await node.StartAsync("restore-drill"), null, RunState.Succeeded, RunState.Halted);
        Assert.True(second.State == RunState.Succeeded, $"second drill {second.State}: {second.HaltReason}");
        Assert.Equal(await bed.FingerprintAsync(bed.Source.ConnectionString), await bed.FingerprintAsync(bed.TargetConnectionString));
    }
}
