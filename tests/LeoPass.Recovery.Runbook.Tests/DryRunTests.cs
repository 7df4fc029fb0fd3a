using System.Text.Json.Nodes;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Runbook.Tests;

/// <summary>`run start restore-drill --dry-run`: the plan a person reads before a drill, from the real activities, touching nothing.</summary>
public sealed class DryRunTests
{
    [Fact]
    public async Task Dry_run_of_the_restore_drill_plans_every_enabled_step_and_creates_no_database_and_downloads_no_artefact()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 500);
        bed.ConfigureProductionSwitches();
        var key = await bed.BackupAsync();
        var workDirectory = bed.Variables["RESTORE_WORK_DIR"]!;
        var drill = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "workflows", "restore-drill.json")))!;
        var enabled = drill["steps"]!.AsArray().Where(s => s!["enabled"]?.GetValue<bool>() ?? true).Select(s => s!["id"]!.GetValue<string>()).ToList();

        var result = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "run", "start", "restore-drill", "--dry-run", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var plan = JsonNode.Parse(result.StandardOutput)!;
        var steps = plan["steps"]!.AsArray().ToDictionary(s => s!["stepId"]!.GetValue<string>(), s => s!);
        Assert.Equal(9, steps.Count);
        foreach (var id in enabled)
        {
            Assert.True(steps[id]["planned"]!.GetValue<bool>(), $"step {id} was not planned: {steps[id]}");
            Assert.NotEmpty(steps[id]["actions"]!.AsArray());
        }
        string Plan(string step) => string.Join("\n", steps[step]["actions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains($"would create database {bed.TargetName}", Plan("provision"), StringComparison.Ordinal);
        Assert.Contains("does not exist yet", Plan("provision"), StringComparison.Ordinal);
        Assert.Contains($"would download artefact {key}", Plan("download"), StringComparison.Ordinal);
        Assert.Contains($"would restore artefact {key}", Plan("restore"), StringComparison.Ordinal);
        Assert.Contains("with pg_restore --clean --if-exists -j 2", Plan("restore"), StringComparison.Ordinal);
        Assert.Contains("would run `sh migrate.sh`", Plan("migrate"), StringComparison.Ordinal);
        Assert.Contains("would compare the row counts", Plan("validate"), StringComparison.Ordinal);
        Assert.Equal("would skip this step: it is disabled", Plan("quarantine"));

        // Nothing happened: no database, no file under the work directory, no run, no call to Cloudflare or the workers.
        Assert.False(await PostgresServer.DatabaseExistsAsync(bed.TargetName), $"the dry run created {bed.TargetName}");
        var written = Directory.Exists(workDirectory) ? Directory.GetFiles(workDirectory, "*", SearchOption.AllDirectories) : [];
        Assert.True(written.Length == 0, $"the dry run wrote {string.Join(", ", written)}");
        Assert.Empty(bed.Http.Requests);
        var runs = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "run", "list", "--json");
        Assert.Equal("[]", runs.StandardOutput.Trim());
    }
}
