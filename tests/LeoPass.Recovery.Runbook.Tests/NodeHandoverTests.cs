using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests;

/// <summary>
/// A restore handed from one node to another between the download and the restore: what a step
/// left on a node's disk is used only where it really is.
/// </summary>
public sealed class NodeHandoverTests
{
    [Fact]
    public async Task A_drill_whose_node_dies_between_download_and_restore_downloads_again_on_the_next_node_and_completes()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 3_000);
        await bed.BackupAsync();
        // The monthly drill with a gate before the restore (as the next version, over the repository's), so the node can be killed exactly between steps 3 and 4.
        var workflows = Directory.CreateDirectory(Path.Combine(bed.WorkDirectory, "workflows")).FullName;
        var drill = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "workflows", "restore-drill.json")))!;
        drill["version"] = drill["version"]!.GetValue<int>() + 1;
        drill["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "restore")!["gate"] = new JsonObject { ["before"] = "restore now?" };
        await File.WriteAllTextAsync(Path.Combine(workflows, "restore-drill.json"), drill.ToJsonString());
        File.Copy(Path.Combine(RepositoryRoot.Path, "workflows", "schema.json"), Path.Combine(workflows, "schema.json"));

        var scheduler = "rbhand-" + Guid.NewGuid().ToString("N")[..8];
        var client = await bed.StartEngineAsync(executesRuns: false, schedulerName: scheduler);
        // Each node its own RESTORE_WORK_DIR: two machines, two disks.
        var disks = new[] { Path.Combine(bed.WorkDirectory, "disk-a"), Path.Combine(bed.WorkDirectory, "disk-b") };
        var servers = await Task.WhenAll(disks.Select(disk => RunbookServer.StartAsync(
            new Dictionary<string, string?>(bed.Variables) { ["RESTORE_WORK_DIR"] = disk, ["LEOPASS_WORKFLOWS_DIR"] = workflows }, scheduler)));
        var survivors = new List<ServerNode>(servers);
        try
        {
            var runId = await client.StartAsync("restore-drill");
            var waiting = await client.WaitForAsync(runId, TimeSpan.FromSeconds(90), RunState.WaitingForApproval, RunState.Halted);
            Assert.Equal(StepState.WaitingForApproval, waiting.Steps.Single(s => s.StepId == "restore").State);
            var download = JsonNode.Parse(waiting.Steps.Single(s => s.StepId == "download").Output!)!;
            var victim = servers.Single(s => s.NodeId == download["node"]!.GetValue<string>());
            var victimDisk = disks[Array.IndexOf(servers, victim)];
            Assert.StartsWith(victimDisk, download["file"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(File.Exists(download["file"]!.GetValue<string>()), "the output names the dump file on the node that wrote it");

            victim.Kill();
            survivors.Remove(victim);
            await client.Operations.ApproveAsync(runId, "restore", "go", "tester");
            var run = await client.WaitForAsync(runId, TimeSpan.FromSeconds(120), RunState.Succeeded, RunState.Halted, RunState.Aborted);
            Assert.True(run.State == RunState.Succeeded, run.HaltReason + "\n" + string.Join("\n----\n", servers.Select(s => s.Output)));

            var journal = await client.Queries.JournalAsync(runId);
            var downloads = journal.Where(a => a.StepId == "download").OrderBy(a => a.Number).ToList();
            Assert.Equal(2, downloads.Count);
            Assert.Equal(victim.NodeId, downloads[0].Node);
            Assert.Equal(survivors[0].NodeId, downloads[1].Node);
            Assert.All(downloads, a => Assert.Equal("Succeeded", a.Outcome));
            var restores = journal.Where(a => a.StepId == "restore").OrderBy(a => a.Number).ToList();
            Assert.Equal(["InputUnavailable", "Succeeded"], restores.Select(a => a.Outcome));
            Assert.Contains("not usable on this node", restores[0].Error, StringComparison.Ordinal);
            Assert.DoesNotContain(restores[0].Intents, i => i.StartsWith("pg_restore", StringComparison.Ordinal));
            Assert.Contains(await client.Queries.AuditAsync(runId), a => a.Action == "step.rewind" && a.StepId == "download");
            var final = JsonNode.Parse(run.Steps.Single(s => s.StepId == "download").Output!)!;
            Assert.Equal(survivors[0].NodeId, final["node"]!.GetValue<string>());
            Assert.Equal(await bed.FingerprintAsync(bed.Source.ConnectionString), await bed.FingerprintAsync(bed.TargetConnectionString));

            // The dead node's disk still holds the plaintext dump; when a node starts on it again, it goes.
            Assert.True(Directory.Exists(Path.Combine(victimDisk, $"run-{runId}")));
            var restarted = await RunbookServer.StartAsync(new Dictionary<string, string?>(bed.Variables) { ["RESTORE_WORK_DIR"] = victimDisk, ["LEOPASS_WORKFLOWS_DIR"] = workflows }, scheduler);
            survivors.Add(restarted);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Directory.Exists(Path.Combine(victimDisk, $"run-{runId}")) && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.False(Directory.Exists(Path.Combine(victimDisk, $"run-{runId}")), restarted.Output);
        }
        finally
        {
            foreach (var server in servers.Concat(survivors).Distinct()) await server.DisposeAsync();
        }
    }
}
