using LeoPass.Recovery.Engine.State;
using LeoPass.Recovery.Runbook.Tests.Support;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class NodeCrashTests
{
    [Fact]
    public async Task Killing_the_node_during_pg_restore_lets_the_other_node_rerun_step_4_and_the_data_is_correct()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 3_000);
        await bed.BackupAsync();
        // pg_restore through PG_BIN_DIR, slowed so that the kill lands while it runs.
        var bin = Directory.CreateDirectory(Path.Combine(bed.WorkDirectory, "slow-bin")).FullName;
        var real = FindOnPath("pg_restore");
        var wrapper = Path.Combine(bin, "pg_restore");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nsleep 2\n'{real}' \"$@\"\nrc=$?\nsleep 4\nexit $rc\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var variables = new Dictionary<string, string?>(bed.Variables) { ["PG_BIN_DIR"] = bin };

        var scheduler = "rbcrash-" + Guid.NewGuid().ToString("N")[..8];
        var client = await bed.StartEngineAsync(executesRuns: false, schedulerName: scheduler);
        var servers = await Task.WhenAll(RunbookServer.StartAsync(variables, scheduler), RunbookServer.StartAsync(variables, scheduler));
        try
        {
            var runId = await client.StartAsync("restore-drill");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            Engine.Journal.AttemptView? restoring = null;
            while (DateTime.UtcNow < deadline)
            {
                restoring = (await client.Queries.JournalAsync(runId)).FirstOrDefault(a => a.StepId == "restore" && a.Intents.Any(i => i.StartsWith("pg_restore", StringComparison.Ordinal)));
                if (restoring is not null) break;
                await Task.Delay(100);
            }
            Assert.True(restoring is not null, string.Join("\n----\n", servers.Select(s => s.Output)));
            await Task.Delay(3000);
            var victim = servers.Single(s => s.NodeId == restoring!.Node);
            victim.Kill();

            var run = await client.WaitForAsync(runId, TimeSpan.FromSeconds(120), RunState.Succeeded, RunState.Halted, RunState.Aborted);
            Assert.True(run.State == RunState.Succeeded, run.HaltReason + "\n" + string.Join("\n----\n", servers.Select(s => s.Output)));
            var attempts = (await client.Queries.JournalAsync(runId)).Where(a => a.StepId == "restore").OrderBy(a => a.Number).ToList();
            Assert.Equal(2, attempts.Count);
            Assert.Equal("Interrupted", attempts[0].Outcome);
            Assert.Equal(victim.NodeId, attempts[0].Node);
            Assert.Equal("Succeeded", attempts[1].Outcome);
            Assert.NotEqual(victim.NodeId, attempts[1].Node);
            foreach (var step in new[] { "provision", "download" }) Assert.Single(await client.Queries.JournalAsync(runId), a => a.StepId == step);
            Assert.Equal(await bed.FingerprintAsync(bed.Source.ConnectionString), await bed.FingerprintAsync(bed.TargetConnectionString));
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    private static string FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{program} is not on PATH");
}
