using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Retention;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Backup.Tests.Retention;

public class BackupPrunerTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    internal static async Task<string> SeedAsync(IArtefactStore store, int daysAgo, bool withManifest = true)
    {
        var key = ArtefactKey.For(Now.AddDays(-daysAgo).Date.AddHours(2), CompressionKind.Zstd);
        await store.PutAsync(key, new MemoryStream([1, 2, 3]));
        if (withManifest) await store.PutAsync(ArtefactKey.ManifestOf(key), new MemoryStream("{}"u8.ToArray()));
        return key;
    }

    internal static async Task<HashSet<string>> KeysAsync(IArtefactStore store)
    {
        var keys = new HashSet<string>();
        await foreach (var item in store.ListAsync()) keys.Add(item.Key);
        return keys;
    }

    private static async Task<(IArtefactStore Store, BackupPruner Pruner, TestDatabase Db)> CreateAsync()
    {
        var store = ArtefactStoreFactory.Create(new StorageSettings { BackupDirectory = Directory.CreateTempSubdirectory("leopass-prune-").FullName });
        var db = await PostgresServer.CreateDatabaseAsync("prune");
        var clock = new FakeTimeProvider(Now);
        var catalogue = new BackupCatalogue(db.ConnectionString, clock);
        await catalogue.MigrateAsync();
        return (store, new BackupPruner(store, catalogue, clock, NullLogger<BackupPruner>.Instance), db);
    }

    [Fact]
    public async Task Prune_of_forty_daily_backups_deletes_artefact_and_manifest_of_those_older_than_thirty_days()
    {
        var (store, pruner, db) = await CreateAsync();
        await using var _ = db;
        var keys = new List<(int DaysAgo, string Key)>();
        for (var d = 0; d < 40; d++) keys.Add((d, await SeedAsync(store, d)));

        var dryRun = await pruner.PruneAsync(30, dryRun: true, CancellationToken.None);
        Assert.Equal(10, dryRun.Delete.Count);
        Assert.Equal(80, (await KeysAsync(store)).Count);

        await pruner.PruneAsync(30, dryRun: false, CancellationToken.None);
        var left = await KeysAsync(store);
        foreach (var (daysAgo, key) in keys)
        {
            var shouldExist = Now.AddDays(-daysAgo).Date.AddHours(2) >= Now.AddDays(-30);
            Assert.Equal(shouldExist, left.Contains(key));
            Assert.Equal(shouldExist, left.Contains(ArtefactKey.ManifestOf(key)));
        }
    }

    [Fact]
    public async Task Prune_with_only_old_backups_keeps_the_newest()
    {
        var (store, pruner, db) = await CreateAsync();
        await using var _ = db;
        var oldest = await SeedAsync(store, 60);
        var newest = await SeedAsync(store, 45);
        await pruner.PruneAsync(30, dryRun: false, CancellationToken.None);
        var left = await KeysAsync(store);
        Assert.Contains(newest, left);
        Assert.Contains(ArtefactKey.ManifestOf(newest), left);
        Assert.DoesNotContain(oldest, left);
    }

    [Fact]
    public async Task Prune_removes_old_objects_left_without_a_manifest()
    {
        var (store, pruner, db) = await CreateAsync();
        await using var _ = db;
        var orphan = await SeedAsync(store, 40, withManifest: false);
        var kept = await SeedAsync(store, 1);
        await pruner.PruneAsync(30, dryRun: false, CancellationToken.None);
        Assert.Equal([kept, ArtefactKey.ManifestOf(kept)], (await KeysAsync(store)).Order());
        Assert.DoesNotContain(orphan, await KeysAsync(store));
    }
}
