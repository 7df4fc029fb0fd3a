using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Pitr.Tests.Support;

namespace LeoPass.Recovery.Pitr.Tests.Streaming;

public sealed class WalStreamTests
{
    [Fact]
    public async Task A_quiet_database_is_switched_and_every_segment_ships_with_a_manifest_and_advances_the_slot()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 5);
        await bed.StartServerNodeAsync();

        // One small write and nothing else: only the stream's WAL switch can close that segment.
        await bed.InsertMarkerAsync("quiet");
        var writtenAt = await bed.Source.ScalarAsync<string>("SELECT pg_walfile_name(pg_current_wal_lsn())");
        var shipped = await bed.WaitForSegmentAsync(s => string.CompareOrdinal(s.FileName, writtenAt) >= 0, TimeSpan.FromSeconds(90), $"at or after {writtenAt}");

        Assert.True(File.Exists(Path.Combine(bed.StoreDirectory, shipped.Key)), shipped.Key);
        Assert.True(File.Exists(Path.Combine(bed.StoreDirectory, ArtefactKey.ManifestOf(shipped.Key))));
        var manifest = WalSegmentManifest.Parse(await File.ReadAllTextAsync(Path.Combine(bed.StoreDirectory, ArtefactKey.ManifestOf(shipped.Key))), shipped.Key);
        Assert.Equal(shipped.FileName, manifest.Segment.FileName);
        Assert.Equal(16L << 20, manifest.Sizes.PlainBytes);

        // The slot lets the source recycle only what is shipped: it restarts at or after the shipped segment's end.
        var restart = Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = 'leopass'"));
        Assert.True(restart.Value >= (ulong)shipped.EndLsn!.Value, $"slot restarts at {restart}, the shipped segment ends at {new Lsn((ulong)shipped.EndLsn.Value)}");

        // No segment is skipped: the shipped names are consecutive.
        var names = (await bed.Catalogue().ListSegmentsAsync()).Where(s => s.SegmentNumber is not null).Select(s => s.SegmentNumber!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, names.Count).Select(i => names[0] + i), names);
    }
}
