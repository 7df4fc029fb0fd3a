using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Interrupts;

/// <summary>
/// Ctrl+C as a terminal sends it (SIGINT to the command's process group, its pg_dump or pg_restore
/// included) during the commands that execute a run as a temporary node: at start-up (the node's
/// host is up, no step has begun) and mid-step (the step's child process is running). Each exits
/// 130 with an `interrupted: …` line; no process of its group outlives it; nothing half-written
/// stays in the real store (s3rver) or in the catalogue; every run it started is halted saying it
/// was interrupted, and the interrupted drill resumes to success. A second Ctrl+C while the first is
/// still cleaning up ends the command at once, 130 too, with nothing listed as a backup. Each signal waits on a condition
/// (the masked configuration line the host logs as it starts, or the child process existing), never on a clock.
/// </summary>
public sealed class CtrlCTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Ctrl_C_during_backup_run_and_run_start_wait_exits_130_and_leaves_no_partial_artefact_in_the_store_or_catalogue()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 200);
        var good = Json(await env.RunAsync("backup", "run", "--json")).GetProperty("key").GetString()!;
        // Big enough that pg_dump is still writing when the signal lands (about 17 MB stored).
        await env.AddBulkAsync();
        var before = await StoreKeysAsync(env);

        await InterruptAtStartUpAsync(env, "backup", "run");
        await InterruptMidStepAsync(env, "dump-upload", "pg_dump", "backup", "run");
        await InterruptAtStartUpAsync(env, "run", "start", "nightly-backup", "--wait");
        await InterruptMidStepAsync(env, "dump-upload", "pg_dump", "run", "start", "nightly-backup", "--wait");

        Assert.Equal(before, await StoreKeysAsync(env));
        Assert.Equal([good], ListedKeys(await env.RunAsync("backup", "list", "--json")));
        Assert.Empty(await new BackupCatalogue(env.Recovery.ConnectionString, TimeProvider.System).PendingUploadsAsync());
        var runs = Json(await env.RunAsync("run", "list", "--definition", "nightly-backup", "--json")).EnumerateArray().ToList();
        Assert.Contains(runs, r => r.GetProperty("state").GetString() == "Succeeded");
        var interrupted = runs.Where(r => r.GetProperty("state").GetString() != "Succeeded").ToList();
        // The mid-step ones at least started a run; one interrupted at start-up may have been stopped before it created its run.
        Assert.True(interrupted.Count >= 2, string.Join("\n", runs));
        foreach (var run in interrupted) AssertHaltedAsInterrupted(run);
    }

    [Fact]
    public async Task Ctrl_C_during_drill_start_wait_exits_130_halts_the_drill_and_run_resume_finishes_it()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 200);
        // Big enough that pg_restore is still restoring when the signal lands.
        await env.AddBulkAsync();
        var target = "ctrlc_" + Guid.NewGuid().ToString("N")[..10];
        var work = Directory.CreateTempSubdirectory("leopass-ctrlc-").FullName;
        try
        {
            ConfigureDrill(env, target, work);
            var good = Json(await env.RunAsync("backup", "run", "--json")).GetProperty("key").GetString()!;
            var before = await StoreKeysAsync(env);

            // Mid-step first: a drill halted on the target makes the next drill wait for it, so the one interrupted
            // mid-step is resumed to success before the next is interrupted as it starts.
            await InterruptMidStepAsync(env, "restore", "pg_restore", "drill", "start", "--wait");
            var midStep = Assert.Single(Json(await env.RunAsync("run", "list", "--definition", "restore-drill", "--json")).EnumerateArray());
            AssertHaltedAsInterrupted(midStep);
            // The step the signal cut short (restore, or the next one should pg_restore have just ended) is pending again, its attempt journaled Interrupted.
            var cut = midStep.GetProperty("steps").EnumerateArray()
                .Single(s => midStep.GetProperty("haltReason").GetString()!.Contains($"interrupted at step '{s.GetProperty("stepId").GetString()}'", StringComparison.Ordinal));
            Assert.Equal("Pending", cut.GetProperty("state").GetString());
            Assert.True(cut.GetProperty("position").GetInt32() >= 3, $"the signal was sent once the restore step began: {midStep}");
            var journal = Json(await env.RunAsync("run", "journal", Id(midStep), "--json"));
            Assert.Contains(journal.GetProperty("attempts").EnumerateArray(),
                a => a.GetProperty("stepId").GetString() == cut.GetProperty("stepId").GetString() && a.GetProperty("outcome").GetString() == "Interrupted");

            var resumed = await env.RunAsync("run", "resume", Id(midStep), "--wait", "--json");
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Equal("Succeeded", Json(resumed).GetProperty("state").GetString());

            await InterruptAtStartUpAsync(env, "drill", "start", "--wait");
            var drills = Json(await env.RunAsync("run", "list", "--definition", "restore-drill", "--json")).EnumerateArray().ToList();
            // The one interrupted as it started, if it got as far as creating its run.
            foreach (var run in drills.Where(r => Id(r) != Id(midStep))) AssertHaltedAsInterrupted(run);
            Assert.Equal(before, await StoreKeysAsync(env));
            Assert.Equal([good], ListedKeys(await env.RunAsync("backup", "list", "--json")));
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(target);
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task With_a_server_up_Ctrl_C_only_stops_following_the_run_which_the_server_finishes()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: false, rows: 200);
        await env.AddBulkAsync();
        await using var server = await ServerNode.StartAsync(new Dictionary<string, string?>(env.Variables) { ["VERIFY_RESTORE_AFTER_BACKUP"] = "false" });

        await using var cli = CliRunner.StartAsProcessGroup(env.Variables, "run", "start", "nightly-backup", "--wait");
        await UntilAsync(async () => cli.HasExited
                                     || await env.Recovery.ScalarAsync<long>("SELECT count(*) FROM engine.attempts WHERE step_id = 'dump-upload' AND outcome = 'Running'") > 0,
            cli, "the server to begin the backup");
        Assert.False(cli.HasExited, cli.StandardErrorSoFar);
        cli.InterruptProcessGroup();
        var result = await cli.WaitAsync(Patience);
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("interrupted: stopped following run", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("it goes on", result.StandardError, StringComparison.Ordinal);

        // The server's backup was not this command's to stop: it finishes.
        var waited = Stopwatch.StartNew();
        JsonElement run;
        do
        {
            run = Json(await env.RunAsync("run", "list", "--definition", "nightly-backup", "--json")).EnumerateArray().Single();
        }
        while (run.GetProperty("state").GetString() == "Running" && waited.Elapsed < Patience);
        Assert.True(run.GetProperty("state").GetString() == "Succeeded", $"{run}\n{server.Output}");
    }

    [Fact]
    public async Task A_second_Ctrl_C_while_the_first_is_still_cleaning_up_ends_the_command_at_once_with_130()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 200);
        await env.AddBulkAsync();
        await using var cli = CliRunner.StartAsProcessGroup(env.Variables, "backup", "run");
        // As the other mid-step interrupts wait: the journal shows the dump running, or pg_dump is seen.
        await UntilAsync(async () => cli.HasExited || cli.ProcessGroupChildren().Contains("pg_dump") || await DumpRunningAsync(env), cli, "the dump to run");
        Assert.False(cli.HasExited, $"backup run ended before its dump could be interrupted:\n{cli.StandardErrorSoFar}");
        cli.InterruptProcessGroup();
        // The first Ctrl+C is taken (the orderly stop has begun: cancel the dump, abort the upload, journal, leave the cluster) ...
        await UntilAsync(() => Task.FromResult(cli.HasExited || cli.StandardErrorSoFar.Contains("stopping: ", StringComparison.Ordinal)), cli, "the first Ctrl+C to be taken");
        Assert.False(cli.HasExited, $"the orderly stop ended before a second Ctrl+C could be sent, so this test proves nothing:\n{cli.StandardErrorSoFar}");
        // ... and the second lands while it runs.
        cli.InterruptProcessGroup();
        var result = await cli.WaitAsync(Patience);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("interrupted: second Ctrl+C, stopped at once", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("run list --state Running", result.StandardError, StringComparison.Ordinal);
        await UntilAsync(() => Task.FromResult(cli.ProcessGroupChildren().Count == 0), cli, "the command's children to end", afterExit: true);
        // Stopped without cleaning up, but nothing half-written looks like a backup: there is no manifest to list.
        Assert.Empty(ListedKeys(await env.RunAsync("backup", "list", "--json")));
    }

    /// <summary>The journal shows a dump-upload attempt running; false while the command has not created the journal yet.</summary>
    private static async Task<bool> DumpRunningAsync(CliBackupEnvironment env)
    {
        try
        {
            return await env.Recovery.ScalarAsync<long>("SELECT count(*) FROM engine.attempts WHERE step_id = 'dump-upload' AND outcome = 'Running'") > 0;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }
    }

    /// <summary>SIGINT as the command's host starts (its masked configuration line is out), before any step begins.</summary>
    private static async Task InterruptAtStartUpAsync(CliBackupEnvironment env, params string[] command)
    {
        await using var cli = CliRunner.StartAsProcessGroup(env.Variables, [.. command, "--verbose"]);
        await UntilAsync(() => Task.FromResult(cli.StandardErrorSoFar.Contains("configuration: ", StringComparison.Ordinal) || cli.HasExited), cli, "the host to start");
        Assert.False(cli.HasExited, $"{string.Join(' ', command)} ended before it could be interrupted:\n{cli.StandardErrorSoFar}");
        cli.InterruptProcessGroup();
        await AssertInterruptedAsync(cli, command);
    }

    /// <summary>
    /// SIGINT mid-step: once the journal shows an attempt of <paramref name="step"/> running, or the
    /// step's child process (<paramref name="child"/>) runs in the command's process group.
    /// </summary>
    private static async Task InterruptMidStepAsync(CliBackupEnvironment env, string step, string child, params string[] command)
    {
        await using var cli = CliRunner.StartAsProcessGroup(env.Variables, command);
        await UntilAsync(async () => cli.HasExited || cli.ProcessGroupChildren().Contains(child)
                                     || await env.Recovery.ScalarAsync<long>($"SELECT count(*) FROM engine.attempts WHERE step_id = '{step}' AND outcome = 'Running'") > 0,
            cli, $"step {step} to start");
        Assert.False(cli.HasExited, $"{string.Join(' ', command)} ended before {child} ran:\n{cli.StandardOutputSoFar}\n{cli.StandardErrorSoFar}");
        cli.InterruptProcessGroup();
        var result = await AssertInterruptedAsync(cli, command);
        Assert.Contains("halted: interrupted at step", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("run resume", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<CliResult> AssertInterruptedAsync(CliProcess cli, string[] command)
    {
        var result = await cli.WaitAsync(Patience);
        var name = string.Join(' ', command);
        Assert.True(result.ExitCode == 130, $"{name}: {result}");
        Assert.Contains("interrupted: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("error: ", result.StandardError, StringComparison.Ordinal);
        // The step's children were stopped with it: nothing of the command's group lives on.
        await UntilAsync(() => Task.FromResult(cli.ProcessGroupChildren().Count == 0), cli, "the command's children to end", afterExit: true);
        return result;
    }

    private static void AssertHaltedAsInterrupted(JsonElement run)
    {
        Assert.True(run.GetProperty("state").GetString() == "Halted", run.ToString());
        Assert.Contains("interrupted at step", run.GetProperty("haltReason").GetString(), StringComparison.Ordinal);
        Assert.Contains("Ctrl+C", run.GetProperty("haltReason").GetString(), StringComparison.Ordinal);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, CliProcess cli, string what, bool afterExit = false)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > Patience)
            {
                throw new TimeoutException($"waited {Patience} for {what}{(afterExit ? $"; still in the group: {string.Join(", ", cli.ProcessGroupChildren())}" : "")}\n{cli.StandardErrorSoFar}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>What `drill start` needs beyond a backup: a target, a work directory, the app's migration and smoke test, SHIP_NOTES.</summary>
    private static void ConfigureDrill(CliBackupEnvironment env, string target, string work)
    {
        var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
        File.WriteAllText(Path.Combine(app, "migrate.sh"), "echo migrated\n");
        File.WriteAllText(Path.Combine(app, "smoke.sh"), "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -tAc 'SELECT count(*) FROM bulk'\n");
        env.Variables["TARGET_DATABASE_URL"] = Core.Configuration.PostgresConnectionString.ToUrl(
            Core.Configuration.PostgresConnectionString.WithDatabase(PostgresServer.SuperuserConnectionString, target));
        env.Variables["RESTORE_WORK_DIR"] = Path.Combine(work, "restore");
        env.Variables["APP_DIR"] = app;
        env.Variables["MIGRATIONS_COMMAND"] = "sh migrate.sh";
        env.Variables["SMOKE_TEST_COMMANDS"] = "sh smoke.sh";
        env.Variables["SHIP_NOTES_PATH"] = Path.Combine(work, "SHIP_NOTES.md");
        // No restore verification started after the backup: the drill is the only restore here.
        env.Variables["VERIFY_RESTORE_AFTER_BACKUP"] = "false";
    }

    private static async Task<List<string>> StoreKeysAsync(CliBackupEnvironment env)
    {
        var store = env.OpenStore();
        try
        {
            var keys = new List<string>();
            await foreach (var item in store.ListAsync(ArtefactKey.Prefix)) keys.Add(item.Key);
            return keys;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    private static string Id(JsonElement run) => run.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

    private static JsonElement Json(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.Clone();
    }

    private static List<string> ListedKeys(CliResult list) =>
        [.. Json(list).GetProperty("backups").EnumerateArray().Select(b => b.GetProperty("key").GetString()!)];
}
