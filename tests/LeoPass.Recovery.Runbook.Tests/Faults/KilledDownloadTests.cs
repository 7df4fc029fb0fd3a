using System.Diagnostics;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests.Faults;

/// <summary>kill -9 of a `server` node in the middle of step 3: the partial dump it leaves is never restored from.</summary>
public sealed class KilledDownloadTests
{
    [Fact]
    public async Task Kill_9_of_the_node_during_the_download_leaves_a_partial_dump_the_next_node_replaces_and_never_restores_from()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 1_000);
        // Enough data that the download takes a while to write (tens of MiB).
        await bed.Source.ExecuteAsync("CREATE TABLE public.bulk AS SELECT i AS id, md5(random()::text) || md5(random()::text) || gen_random_uuid()::text AS noise FROM generate_series(1, 400000) i");
        await bed.BackupAsync();
        var scheduler = "rbdl-" + Guid.NewGuid().ToString("N")[..8];
        var client = await bed.StartEngineAsync(executesRuns: false, schedulerName: scheduler);
        var first = await RunbookServer.StartAsync(bed.Variables, scheduler);
        ServerNode? second = null;
        try
        {
            var runId = await client.StartAsync("restore-drill");
            var directory = Path.Combine(bed.Variables["RESTORE_WORK_DIR"]!, $"run-{runId}");

            // Catch the node with a partial dump on disk: freeze it (SIGSTOP) as soon as the file
            // appears, let it write a little more until it holds some bytes, then kill -9 it.
            var partial = await FreezeMidDownloadAsync(first.ProcessId, directory);
            first.KillProcessOnly();
            var writtenBeforeKill = new FileInfo(partial).Length;
            Assert.True(File.Exists(partial), "kill -9 runs no clean-up: the partial dump is still there");
            var download = (await client.Queries.JournalAsync(runId)).Single(a => a.StepId == "download");
            Assert.Equal("Running", download.Outcome);

            // The next node takes the run over, downloads again from the start and restores from the complete file only.
            second = await RunbookServer.StartAsync(bed.Variables, scheduler);
            var run = await client.WaitForAsync(runId, TimeSpan.FromSeconds(180), RunState.Succeeded, RunState.Halted, RunState.Aborted);
            Assert.True(run.State == RunState.Succeeded, run.HaltReason + "\n" + first.Output + "\n----\n" + second.Output);
            var downloads = (await client.Queries.JournalAsync(runId)).Where(a => a.StepId == "download").OrderBy(a => a.Number).ToList();
            Assert.Equal(["Interrupted", "Succeeded"], downloads.Select(a => a.Outcome));
            Assert.Equal(second.NodeId, downloads[1].Node);
            var dumpBytes = System.Text.Json.Nodes.JsonNode.Parse(run.Steps.Single(s => s.StepId == "download").Output!)!["dumpBytes"]!.GetValue<long>();
            Assert.True(writtenBeforeKill < dumpBytes, $"the kill must land mid-download ({writtenBeforeKill} of {dumpBytes} bytes)");
            Assert.Single((await client.Queries.JournalAsync(runId)).Where(a => a.StepId == "restore"));
            Assert.Equal(await bed.FingerprintAsync(bed.Source.ConnectionString), await bed.FingerprintAsync(bed.TargetConnectionString));
            await RestoreFaultTests.AssertNoDumpLeftAsync(bed, runId);
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
        }
    }

    /// <summary>Stops the process while its *.dump.partial in <paramref name="directory"/> holds some bytes; returns that file.</summary>
    private static async Task<string> FreezeMidDownloadAsync(int pid, string directory)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var found = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.dump.partial").FirstOrDefault() : null;
            if (found is not null)
            {
                Signal("STOP", pid);
                if (new FileInfo(found) is { Exists: true, Length: > 0 }) return found;
                Signal("CONT", pid);
                await Task.Delay(5);
                continue;
            }
            Assert.Empty(Directory.Exists(directory) ? Directory.GetFiles(directory, "*.dump") : []);
            await Task.Delay(2);
        }
        throw new TimeoutException($"no partial dump appeared in {directory}");
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
