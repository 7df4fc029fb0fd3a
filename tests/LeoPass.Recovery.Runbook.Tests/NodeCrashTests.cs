using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class NodeCrashTests(Xunit.Abstractions.ITestOutputHelper output)
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
            Contracts.Attempt? restoring = null;
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

    [Fact]
    public async Task Kill_9_of_the_node_alone_kills_its_pg_restore_ends_its_sessions_and_reports_the_dead_nodes_time_as_lost()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 3_000);
        await bed.BackupAsync();
        // pg_restore through PG_BIN_DIR: a shell (a grandchild of the node) that opens a session of
        // its own in the target that keeps working — as a restore's backend does after its client
        // is gone — then runs the real pg_restore and lingers (15 s), so the kill lands mid-step.
        var bin = Directory.CreateDirectory(Path.Combine(bed.WorkDirectory, "slow-bin")).FullName;
        var real = FindOnPath("pg_restore");
        var psql = FindOnPath("psql");
        var wrapper = Path.Combine(bin, "pg_restore");
        await File.WriteAllTextAsync(wrapper, $$"""
            #!/bin/sh
            for a in "$@"; do case "$a" in --dbname=*) db="${a#--dbname=}";; esac; done
            '{{psql}}' -X -q -d "$db" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
            worker=$!
            '{{real}}' "$@"
            rc=$?
            sleep 15
            kill $worker 2>/dev/null
            exit $rc

            """);
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var variables = new Dictionary<string, string?>(bed.Variables) { ["PG_BIN_DIR"] = bin, ["RESTORE_JOBS"] = "2" };

        var scheduler = "rbkill-" + Guid.NewGuid().ToString("N")[..8];
        var client = await bed.StartEngineAsync(executesRuns: false, schedulerName: scheduler);
        var servers = await Task.WhenAll(RunbookServer.StartAsync(variables, scheduler), RunbookServer.StartAsync(variables, scheduler));
        try
        {
            var runId = await client.StartAsync("restore-drill");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            Contracts.Attempt? restoring = null;
            ServerNode? victim = null;
            List<int> children = [];
            while (DateTime.UtcNow < deadline)
            {
                restoring = (await client.Queries.JournalAsync(runId)).FirstOrDefault(a => a.StepId == "restore" && a.Outcome == "Running" && a.Intents.Any(i => i.StartsWith("pg_restore", StringComparison.Ordinal)));
                // The step is running and its session of attempt 1 is working in the target.
                if (restoring is not null && (await SessionsAsync(bed)).Contains($"leopass run {runId} restore attempt 1"))
                {
                    victim = servers.Single(s => s.NodeId == restoring.Node);
                    children = Descendants(victim.ProcessId);
                    break;
                }
                await Task.Delay(50);
            }
            Assert.True(victim is not null && children.Count > 0, string.Join("\n----\n", servers.Select(s => s.Output)));
            var before = await SessionsAsync(bed);
            Assert.All(before, name => Assert.Equal($"leopass run {runId} restore attempt 1", name));

            var killedAt = DateTimeOffset.UtcNow;
            victim!.KillProcessOnly();

            // Its children die with it: the shell, pg_restore and pg_restore's jobs.
            var gone = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (children.Any(Alive) && DateTime.UtcNow < gone) await Task.Delay(50);
            Assert.True(!children.Any(Alive), "still running after the node died: " + string.Join("; ", children.Where(Alive).Select(p => $"{p} {Command(p)}")));

            // The node that takes over restores only once no session of the dead attempt is connected.
            Contracts.Attempt? second = null;
            while (DateTime.UtcNow < deadline + TimeSpan.FromSeconds(60))
            {
                second = (await client.Queries.JournalAsync(runId)).FirstOrDefault(a => a.StepId == "restore" && a.Number == 2 && a.Intents.Any(i => i.StartsWith("pg_restore", StringComparison.Ordinal)));
                if (second is not null) break;
                await Task.Delay(50);
            }
            Assert.True(second is not null, "no second restore attempt reached pg_restore:\n"
                + string.Join("\n", (await client.Queries.JournalAsync(runId)).Select(a => $"{a.StepId} #{a.Number} {a.Node} {a.Outcome} {a.Error} [{string.Join(" / ", a.Intents)}]"))
                + "\nsessions: " + string.Join(", ", await SessionsAsync(bed)) + "\n" + string.Join("\n----\n", servers.Select(s => s.Output)));
            Assert.DoesNotContain($"leopass run {runId} restore attempt 1", await SessionsAsync(bed));

            var run = await client.WaitForAsync(runId, TimeSpan.FromSeconds(120), RunState.Succeeded, RunState.Halted, RunState.Aborted);
            Assert.True(run.State == RunState.Succeeded, run.HaltReason + "\n" + string.Join("\n----\n", servers.Select(s => s.Output)));
            Assert.Equal(await bed.FingerprintAsync(bed.Source.ConnectionString), await bed.FingerprintAsync(bed.TargetConnectionString));

            // Time: the dead node's attempt is lost time, not work; work is the attempt that succeeded.
            var attempts = (await client.Queries.JournalAsync(runId)).Where(a => a.StepId == "restore").OrderBy(a => a.Number).ToList();
            Assert.Equal(["Interrupted", "Succeeded"], attempts.Select(a => a.Outcome));
            var report = await client.Reports.BuildAsync(runId);
            var restore = report.Steps.Single(s => s.Id == "restore");
            var startToKill = (killedAt - attempts[0].StartedAt).TotalSeconds;
            var startToTakeover = (attempts[1].StartedAt - attempts[0].StartedAt).TotalSeconds;
            foreach (var a in (await client.Queries.JournalAsync(runId)).OrderBy(a => a.StartedAt))
            {
                output.WriteLine($"  {a.StepId} #{a.Number} {a.Outcome}: {(a.StartedAt - run.StartedAt!.Value).TotalSeconds:0.000} → {((a.EndedAt ?? a.StartedAt) - run.StartedAt!.Value).TotalSeconds:0.000} s");
            }
            output.WriteLine($"measured: attempt 1 ran {startToKill:0.000} s before the kill; the survivor's attempt 2 started {startToTakeover:0.000} s after attempt 1 ({startToTakeover - startToKill:0.000} s after the kill) and took {attempts[1].Duration!.Value.TotalSeconds:0.000} s");
            output.WriteLine($"report: restore work {restore.WorkSeconds} s, lost {restore.LostSeconds} s; RTO {report.RtoSeconds} = work {report.RtoBreakdown!.WorkSeconds} + gates {report.RtoBreakdown.WaitingSeconds} + halted {report.RtoBreakdown.HaltedSeconds} + lost {report.RtoBreakdown.LostSeconds} + overhead {report.RtoBreakdown.OverheadSeconds}");
            Assert.Equal(attempts[1].Duration!.Value.TotalSeconds, restore.WorkSeconds, 0.002);
            // Lost: from attempt 1's start (it ran startToKill before the kill) until attempt 2 started.
            Assert.True(startToTakeover > startToKill);
            Assert.Equal(startToTakeover, restore.LostSeconds, 0.002);
            Assert.Equal(restore.LostSeconds, report.RtoBreakdown.LostSeconds, 0.002);
            Assert.Equal(report.RtoSeconds!.Value, report.RtoBreakdown.WorkSeconds + report.RtoBreakdown.WaitingSeconds + report.RtoBreakdown.HaltedSeconds + report.RtoBreakdown.LostSeconds + report.RtoBreakdown.OverheadSeconds, 0.01);
            Assert.InRange(report.RtoBreakdown.OverheadSeconds, 0, 3);
            Assert.True(report.RtoSeconds <= report.WallSeconds);
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    /// <summary>application_name of every other session on the restore target.</summary>
    private static async Task<List<string>> SessionsAsync(RunbookTestBed bed)
    {
        await using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(PostgresServerUrl()) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT application_name FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", bed.TargetName);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    private static string PostgresServerUrl() => TestSupport.PostgresServer.SuperuserConnectionString;

    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
        }
        var found = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }
        return found;
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException) { return false; }
    }

    private static string? Command(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return null; }
    }

    private static string FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{program} is not on PATH");
}
