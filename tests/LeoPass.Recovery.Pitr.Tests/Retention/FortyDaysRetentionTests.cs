using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Retention;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Pitr.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Pitr.Tests.Retention;

/// <summary>
/// Forty days of base backups and WAL on a simulated clock: real segments from a real source and
/// real base backups, shipped and catalogued at the days the fake clock says; then the prune of
/// day 40, and a real restore from every base backup it kept.
/// </summary>
public sealed class FortyDaysRetentionTests
{
    // After the keys were made (a key is not valid before its creation), whole seconds.
    private static readonly DateTimeOffset DayZero = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);

    [Fact]
    public async Task Retention_over_a_simulated_40_days_keeps_a_continuous_30_day_window_and_every_kept_base_backup_restores()
    {
        await using var bed = await PitrTestBed.CreateAsync();
        var clock = new FakeTimeProvider(DayZero);
        var services = new ServiceCollection().AddLogging().AddHttpClient().AddSingleton(bed.Settings()).AddSingleton<TimeProvider>(clock);
        services.AddBackup();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<BackupCatalogue>().MigrateAsync();
        var shipper = provider.GetRequiredService<WalShipper>();
        var keys = ArtefactKeys.Load(bed.Settings().Backup, clock);
        var identity = await SourceIdentity.ReadAsync(bed.Settings().RequireWalSource(), CancellationToken.None);
        // A slot keeps every segment in pg_wal until this test has shipped it (the stream's job, done by hand here).
        await bed.Source.ExecuteAsync("SELECT pg_create_physical_replication_slot('leopass', true)");
        // The stream would start here: every segment from the one being written now on is shipped.
        long? lastShipped = (long)WalFileName.SegmentOf(identity.Timeline, Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text")), identity.SegmentBytes).SegmentNumber!.Value - 1;

        async Task ShipCompleteSegmentsAsync()
        {
            var current = WalFileName.SegmentOf(identity.Timeline, Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text")), identity.SegmentBytes);
            for (var n = (ulong)(lastShipped!.Value + 1); n < current.SegmentNumber; n++)
            {
                var file = WalFileName.Segment(identity.Timeline, n, identity.SegmentBytes);
                var copy = Path.Combine(bed.WorkDirectory, file.Name);
                File.Copy(Path.Combine(bed.Source.DataDirectory, "pg_wal", file.Name), copy, overwrite: true);
                await shipper.ShipAsync(copy, file, identity.AsWalSource, clock.GetUtcNow(), keys, CancellationToken.None);
                File.Delete(copy);
                lastShipped = (long)n;
            }
        }

        var baseBackups = new Dictionary<int, string>();
        for (var day = 0; day <= 40; day++)
        {
            clock.SetUtcNow(DayZero.AddDays(day));
            if (day % 10 == 0 && day < 40)
            {
                baseBackups[day] = (await provider.GetRequiredService<BaseBackupPipeline>().RunAsync()).Manifest.Key;
            }
            await bed.InsertMarkerAsync($"day {day}");
            await bed.Source.ExecuteAsync("SELECT pg_switch_wal()");
            await ShipCompleteSegmentsAsync();
        }

        var plan = await provider.GetRequiredService<PitrRetention>().PruneAsync(30, dryRun: false, CancellationToken.None);
        var catalogue = provider.GetRequiredService<PitrCatalogue>();
        var kept = await catalogue.ListBaseBackupsAsync();
        Assert.Equal([baseBackups[10], baseBackups[20], baseBackups[30]], kept.Select(b => b.Key));
        Assert.Equal([baseBackups[0]], plan.BaseBackups);
        Assert.False(File.Exists(Path.Combine(bed.StoreDirectory, baseBackups[0])));

        // The window reaches back 30 days, unbroken, to day 40.
        var window = await provider.GetRequiredService<RestoreWindowQuery>().GetAsync();
        Assert.Empty(window.Gaps);
        Assert.True(window.From <= clock.GetUtcNow().AddDays(-30), window.Describe());
        Assert.Equal(clock.GetUtcNow(), window.To);
        // WAL older than the oldest kept base backup's start is gone, from the store and the catalogue; the rest is there.
        var firstNeeded = RestoreWindowQuery.SegmentRange(kept[0]).Start;
        var segments = await catalogue.ListSegmentsAsync();
        Assert.Equal(firstNeeded, segments[0].SegmentNumber);
        Assert.Equal(Enumerable.Range(0, segments.Count).Select(i => firstNeeded + i), segments.Select(s => s.SegmentNumber!.Value));
        Assert.All(segments, s => Assert.True(File.Exists(Path.Combine(bed.StoreDirectory, s.Key)), s.Key));
        Assert.NotEmpty(plan.WalObjects);
        Assert.All(plan.WalObjects, k => Assert.False(File.Exists(Path.Combine(bed.StoreDirectory, k)), k));

        // Every kept base backup restores: a real point-in-time restore to the end of each, proven.
        var node = await bed.StartEngineNodeAsync();
        foreach (var backup in kept)
        {
            var drill = await PitrTestBed.RunAsync(node, "pitr-drill", new() { ["target"] = $"lsn:{new Lsn((ulong)backup.EndLsn)}" });
            Assert.True(drill.State == RunState.Succeeded, $"{backup.Key}: {PitrTestBed.Steps(drill)}");
            Assert.Contains(backup.Key, drill.Steps.Single(s => s.StepId == "restore").Output!, StringComparison.Ordinal);
        }
        Assert.All(await catalogue.ListBaseBackupsAsync(), b => Assert.NotNull(b.LastRestoredAt));
    }
}
