using System.Net.Sockets;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Pitr.Tests.Support;

namespace LeoPass.Recovery.Pitr.Tests.Restore;

/// <summary>
/// A point-in-time drill halted after its restore (validation failed) and then aborted: its
/// restored cluster, a running copy of production, does not outlive the run — pitr-drill says
/// onAbort.restoreTarget drop — and the audit trail says so.
/// </summary>
public sealed class AbortedPitrDrillTests
{
    [Fact]
    public async Task An_aborted_drill_stops_its_restored_cluster_and_deletes_it_as_its_definition_says()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 5);
        // The smoke test fails: the run halts at validation with its cluster running.
        bed.Variables["SMOKE_TEST_COMMANDS"] = "false";
        var node = await bed.StartServerNodeAsync();
        var baseBackup = await PitrTestBed.RunAsync(node, "base-backup");
        Assert.True(baseBackup.State == RunState.Succeeded, PitrTestBed.Steps(baseBackup));

        var halted = await PitrTestBed.RunAsync(node, "pitr-drill");
        Assert.True(halted.State == RunState.Halted, PitrTestBed.Steps(halted));
        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "validate").State);
        var restore = JsonNode.Parse(halted.Steps.Single(s => s.StepId == "restore").Output!)!;
        var directory = restore["directory"]!.GetValue<string>();
        var port = restore["port"]!.GetValue<int>();
        Assert.True(Directory.Exists(directory), $"the halted run's cluster should still be in {directory}");
        Assert.True(await AcceptsConnectionsAsync(port), $"the halted run's cluster should be listening on {port}");

        await node.Get<RunOperations>().AbortAsync(halted.Id, "drill postponed", "responder");

        var aborted = await PitrTestBed.WaitForRunAsync(node, halted.Id, TimeSpan.FromMinutes(1));
        Assert.Equal(RunState.Aborted, aborted.State);
        var record = await WaitForAuditAsync(node.Get<RunQueries>(), halted.Id, "restore-target.", TimeSpan.FromMinutes(1));
        Assert.True(record.Action == "restore-target.dropped", $"{record.Action}: {record.Reason}");
        Assert.Contains($"the restored cluster in {directory} was stopped and deleted (onAbort.restoreTarget is drop in pitr-drill v", record.Reason, StringComparison.Ordinal);
        Assert.Equal("restore", record.StepId);
        Assert.False(Directory.Exists(directory), $"{directory} holds restored production data and must be gone");
        Assert.False(await AcceptsConnectionsAsync(port), $"the restored cluster still listens on {port}");
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The abort's observer writes its record after the abort is committed: wait for it.</summary>
    private static async Task<AuditEntry> WaitForAuditAsync(RunQueries queries, long runId, string actionPrefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var audit = await queries.AuditAsync(runId);
            if (audit.FirstOrDefault(a => a.Action.StartsWith(actionPrefix, StringComparison.Ordinal)) is { } found) return found;
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {actionPrefix}* audit record for run {runId} within {timeout.TotalSeconds:0} s; audit: {string.Join("; ", audit.Select(a => $"{a.Action}: {a.Reason}"))}");
            }
            await Task.Delay(250);
        }
    }
}
