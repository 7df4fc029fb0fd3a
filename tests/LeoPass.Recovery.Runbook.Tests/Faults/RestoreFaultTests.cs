using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Runbook.Restore;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook.Tests.Faults;

/// <summary>
/// The restore side's fault suite on real parts (PostgreSQL, pg_restore, the product's node): each
/// case ends with nothing lost, nothing half-done that looks complete, and a halt reason that says why.
/// </summary>
public sealed class RestoreFaultTests
{
    [Fact]
    public async Task Pg_restore_failing_half_way_halts_the_drill_with_pg_restores_error_reports_nothing_restored_and_leaves_the_source_untouched()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        // An index on a function that calls another without naming its schema: fine in the source,
        // but pg_restore runs with an empty search_path, so building the index fails after the
        // tables and their rows are in — the classic real-world restore that dies half way.
        await bed.Source.ExecuteAsync("""
            CREATE FUNCTION public.badge_helper(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) $$;
            CREATE FUNCTION public.badge_key(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT badge_helper(t) $$;
            CREATE TABLE public.badges AS SELECT 'b' || i AS code FROM generate_series(1, 500) i;
            CREATE INDEX badges_by_key ON public.badges (public.badge_key(code));
            """);
        var sourceBefore = await bed.FingerprintAsync(bed.Source.ConnectionString);
        await bed.BackupAsync();
        var node = await bed.StartEngineAsync();

        var runId = await node.StartAsync("restore-drill");
        var run = await node.WaitForAsync(runId, TimeSpan.FromSeconds(150), RunState.Halted, RunState.Succeeded, RunState.Aborted);

        // The halt reason carries pg_restore's own words.
        Assert.Equal(RunState.Halted, run.State);
        Assert.Contains("step 'restore' failed", run.HaltReason, StringComparison.Ordinal);
        Assert.Contains("pg_restore failed with exit code 1", run.HaltReason, StringComparison.Ordinal);
        Assert.Contains("badge_helper(text) does not exist", run.HaltReason, StringComparison.Ordinal);
        // The target is not reported as restored: the step failed without output, nothing after it ran.
        var restore = run.Steps.Single(s => s.StepId == "restore");
        Assert.Equal(StepState.Failed, restore.State);
        Assert.Null(restore.Output);
        Assert.All(run.Steps.SkipWhile(s => s.StepId != "restore").Skip(1), s => Assert.Equal(StepState.Pending, s.State));
        Assert.False(File.Exists(bed.ShipNotes), "a halted drill must not write a SHIP_NOTES entry as if it had finished");
        var report = await node.Reports.BuildAsync(runId);
        Assert.Null(report.RtoSeconds);
        // It really failed half way: the rows went in, the index did not.
        var target = new TestDatabase(bed.TargetName, bed.TargetConnectionString);
        Assert.Equal(500L, await target.ScalarAsync<long>("SELECT count(*) FROM public.badges"));
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE indexname = 'badges_by_key'"));
        // The source is untouched; the decrypted dump is gone from the work directory.
        Assert.Equal(sourceBefore, await bed.FingerprintAsync(bed.Source.ConnectionString));
        Assert.Equal(1L, await bed.Source.ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE indexname = 'badges_by_key'"));
        await AssertNoDumpLeftAsync(bed, runId);
    }

    [Fact]
    public async Task A_work_directory_too_small_for_the_dump_halts_the_download_before_it_writes_and_says_how_much_is_needed()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 1_000);
        await bed.Source.ExecuteAsync(FillerTable);
        await bed.BackupAsync();
        using var small = SmallFilesystem.Mount(bed.WorkDirectory, 1024 * 1024);
        bed.Variables["RESTORE_WORK_DIR"] = small.Path;
        var node = await bed.StartEngineAsync();

        var runId = await node.StartAsync("restore-drill");
        var run = await node.WaitForAsync(runId, TimeSpan.FromSeconds(120), RunState.Halted, RunState.Succeeded, RunState.Aborted);

        Assert.Equal(RunState.Halted, run.State);
        var download = run.Steps.Single(s => s.StepId == "download");
        Assert.Equal(StepState.Failed, download.State);
        Assert.Contains("RESTORE_WORK_DIR is too small for leopass-", run.HaltReason, StringComparison.Ordinal);
        Assert.Matches(@"the dump needs [\d,]+ bytes \([\d.]+ MiB\), .+ has [\d,]+ bytes \([\d.]+ MiB\) free", run.HaltReason);
        // Refused at once, not retried into the same wall; the restore never started.
        Assert.Single(await node.Queries.JournalAsync(runId), a => a.StepId == "download");
        Assert.Equal(StepState.Pending, run.Steps.Single(s => s.StepId == "restore").State);
        // Nothing was written: the small filesystem is as empty as it started.
        await AssertNoDumpLeftAsync(bed, runId);
        Assert.Empty(Directory.EnumerateFiles(small.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_disk_that_fills_during_the_download_deletes_the_partial_dump_and_says_the_work_directory_ran_out_of_space()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 1_000);
        await bed.Source.ExecuteAsync(FillerTable);
        var key = await bed.BackupAsync();
        using var small = SmallFilesystem.Mount(bed.WorkDirectory, 1024 * 1024);
        bed.Variables["RESTORE_WORK_DIR"] = small.Path;
        var node = await bed.StartEngineAsync();
        var reader = node.Services.GetRequiredService<ArtefactReader>();
        var manifest = await reader.ResolveAsync(key, CancellationToken.None);
        Assert.True(manifest.Sizes.DumpBytes > 2 * small.FreeBytes, $"the dump ({manifest.Sizes.DumpBytes} bytes) must not fit in {small.FreeBytes} bytes");
        // The space is taken by someone else after the check: a manifest that understates the
        // dump's size lets the check pass, and the disk fills while writing, for real.
        var understated = manifest with { Sizes = manifest.Sizes with { DumpBytes = small.FreeBytes / 2 } };

        var failure = await Assert.ThrowsAsync<ActivityFailedException>(() => node.Services.GetRequiredService<DumpFiles>().DownloadAsync(424242, understated, CancellationToken.None));

        Assert.False(failure.Retryable);
        Assert.Contains($"RESTORE_WORK_DIR ran out of space while writing the dump of {key}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The partial dump was deleted", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(small.Path, "*", SearchOption.AllDirectories));
    }

    /// <summary>Incompressible-enough rows that the dump is a few MiB.</summary>
    private const string FillerTable = "CREATE TABLE public.filler AS SELECT i AS id, md5(i::text) || md5((i * 7)::text) AS noise FROM generate_series(1, 60000) i";

    /// <summary>The run's working directory (with any dump or partial dump) is gone within a few seconds of its execution ending.</summary>
    internal static async Task AssertNoDumpLeftAsync(RunbookTestBed bed, long runId)
    {
        var directory = Path.Combine(bed.Variables["RESTORE_WORK_DIR"]!, $"run-{runId}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Directory.Exists(directory) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.False(Directory.Exists(directory), $"{directory} still holds: {string.Join(", ", Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory) : [])}");
        var root = bed.Variables["RESTORE_WORK_DIR"]!;
        if (Directory.Exists(root)) Assert.Empty(Directory.EnumerateFiles(root, "*.dump*", SearchOption.AllDirectories));
    }
}
