using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class HaltAndRetryTests
{
    [Fact]
    public async Task A_failing_migration_halts_at_step_5_and_a_retry_after_the_fix_continues_there_with_earlier_steps_run_once()
    {
        await using var bed = await RunbookTestBed.CreateAsync();
        await bed.BackupAsync();
        await bed.WriteMigrationAsync(succeeds: false);
        var node = await bed.StartEngineAsync();

        var runId = await node.StartAsync("restore-drill");
        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(RunState.Halted, halted.State);
        var migrate = halted.Steps.Single(s => s.StepId == "migrate");
        Assert.Equal(StepState.Failed, migrate.State);
        Assert.Contains("exited with 3", migrate.Error, StringComparison.Ordinal);
        Assert.Contains("P3009", migrate.Error, StringComparison.Ordinal);
        Assert.All(halted.Steps.Where(s => s.Position > 4), s => Assert.Equal(StepState.Pending, s.State));
        // The plaintext dump goes once restored (in the background), not when the run ends: a run
        // halted at step 5 can wait hours for a responder.
        Assert.Empty(await DumpsLeftAfterAsync(Path.Combine(bed.Variables["RESTORE_WORK_DIR"]!, $"run-{runId}"), TimeSpan.FromSeconds(10)));

        await bed.WriteMigrationAsync(succeeds: true);
        await node.Operations.RetryAsync(runId, "responder");
        var done = await node.WaitForAsync(runId, null, RunState.Succeeded, RunState.Halted);
        Assert.Equal(RunState.Succeeded, done.State);

        var journal = await node.Queries.JournalAsync(runId);
        foreach (var step in new[] { "provision", "download", "restore" }) Assert.Single(journal, a => a.StepId == step);
        Assert.Empty(journal.Where(a => a.StepId is "quarantine"));
        var attempts = journal.Where(a => a.StepId == "migrate").OrderBy(a => a.Number).ToList();
        Assert.Equal(["Failed", "Succeeded"], attempts.Select(a => a.Outcome));
        Assert.Equal(await bed.FingerprintAsync(bed.Source.ConnectionString), await bed.FingerprintAsync(bed.TargetConnectionString));

        var report = await node.Reports.BuildAsync(runId);
        var step5 = report.Steps.Single(s => s.Number == 5);
        Assert.Equal(2, step5.AttemptCount);
        Assert.Equal(["Failed", "Succeeded"], step5.Attempts.Select(a => a.Outcome));
        Assert.All(report.Steps.Where(s => s.Number is >= 2 and <= 4), s => Assert.Equal(1, s.AttemptCount));
        var markdown = Reporting.RunReportMarkdown.Render(report);
        Assert.Contains("step 5 (migrate) attempt 1", markdown, StringComparison.Ordinal);
        Assert.Contains("step 5 (migrate) attempt 2", markdown, StringComparison.Ordinal);
        Assert.Contains(report.FollowUps, f => f.Contains("Step 5 (migrate) had 1 unsuccessful attempt", StringComparison.Ordinal));
        Assert.Contains(report.OperatorNotes, n => n.Contains("responder: run.retry", StringComparison.Ordinal));
        var notes = await File.ReadAllTextAsync(bed.ShipNotes);
        Assert.Contains("step 5 (migrate) attempt 2", notes, StringComparison.Ordinal);
    }

    /// <summary>The dump files still in <paramref name="directory"/> once they are gone or <paramref name="patience"/> has passed.</summary>
    private static async Task<string[]> DumpsLeftAfterAsync(string directory, TimeSpan patience)
    {
        // A monotonic clock: a wall-clock step must not cut the wait short or stretch it.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.dump*") : [];
            if (left.Length == 0 || waited.Elapsed > patience) return left;
            await Task.Delay(50);
        }
    }
}
