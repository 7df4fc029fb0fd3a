using System.Globalization;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Pitr.Tests.Support;

namespace LeoPass.Recovery.Pitr.Tests.Restore;

public sealed class BrokenWindowTests
{
    [Fact]
    public async Task A_corrupt_or_deleted_segment_in_the_window_halts_a_later_restore_naming_it_and_a_target_before_the_window_is_refused_at_start()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 5);
        bed.RecordMarkersInSmokeTest();
        var node = await bed.StartServerNodeAsync();

        // Before any base backup there is no window: refused at start, saying so.
        var none = await Assert.ThrowsAsync<InvalidRunRequestException>(() => PitrTestBed.RunAsync(node, "pitr-drill"));
        Assert.Contains("no base backup yet", none.Message, StringComparison.Ordinal);

        var backup = await PitrTestBed.RunAsync(node, "base-backup");
        Assert.True(backup.State == RunState.Succeeded, PitrTestBed.Steps(backup));
        // Three more segments, each with a marker: the middle ones will be broken.
        for (var i = 1; i <= 4; i++)
        {
            await bed.InsertMarkerAsync($"m{i}");
            await bed.Source.ExecuteAsync("SELECT pg_switch_wal()");
        }
        var later = await bed.Source.NowAsync();
        await bed.InsertMarkerAsync("after-target");
        var last = Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"));
        await bed.WaitForSegmentAsync(s => s.EndLsn > (long)last.Value, TimeSpan.FromSeconds(90), $"holding {last}");
        var segments = await bed.Catalogue().ListSegmentsAsync();

        // A target before the earliest base backup: refused before any step, naming the window.
        var early = await Assert.ThrowsAsync<InvalidRunRequestException>(() => PitrTestBed.RunAsync(node, "pitr-drill",
            new() { ["target"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture) }));
        Assert.Contains("before the earliest point a base backup can reach", early.Message, StringComparison.Ordinal);
        Assert.Contains("restore to any second from ", early.Message, StringComparison.Ordinal);

        // A corrupted segment in the middle: one byte flipped in the stored object.
        var corrupt = segments[^3];
        var corruptPath = Path.Combine(bed.StoreDirectory, corrupt.Key);
        var original = await File.ReadAllBytesAsync(corruptPath);
        var flipped = (byte[])original.Clone();
        flipped[flipped.Length / 2] ^= 0x40;
        File.SetUnixFileMode(corruptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllBytesAsync(corruptPath, flipped);
        var halted = await PitrTestBed.RunAsync(node, "pitr-drill", new() { ["target"] = later.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) });
        AssertHaltedAt(halted, corrupt.FileName, "SHA-256 mismatch");

        // A deleted segment in the middle (its object gone, the catalogue still lists it).
        await File.WriteAllBytesAsync(corruptPath, original);
        var deleted = segments[^4];
        File.Delete(Path.Combine(bed.StoreDirectory, deleted.Key));
        File.Delete(Path.Combine(bed.StoreDirectory, ArtefactKey.ManifestOf(deleted.Key)));
        var haltedAgain = await PitrTestBed.RunAsync(node, "pitr-drill", new() { ["target"] = later.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) });
        AssertHaltedAt(haltedAgain, deleted.FileName, "is missing");

        // Neither promoted a shorter history: no smoke test ever ran against a restored database.
        Assert.False(File.Exists(Path.Combine(bed.AppDirectory, $"markers-{halted.Id}.txt")));
        Assert.False(File.Exists(Path.Combine(bed.AppDirectory, $"markers-{haltedAgain.Id}.txt")));
        Assert.Empty(Directory.GetDirectories(bed.Variables["RESTORE_WORK_DIR"]!, "pitr-run-*"));
    }

    private static void AssertHaltedAt(Run run, string segment, string why)
    {
        Assert.True(run.State == RunState.Halted, PitrTestBed.Steps(run));
        var restore = run.Steps.Single(s => s.StepId == "restore");
        Assert.Contains($"recovery stopped at WAL segment {segment}, which cannot be restored", restore.Error, StringComparison.Ordinal);
        Assert.Contains(why, restore.Error, StringComparison.Ordinal);
        Assert.Contains("before promoting", restore.Error, StringComparison.Ordinal);
        Assert.Equal(StepState.Pending, run.Steps.Single(s => s.StepId == "validate").State);
    }
}
