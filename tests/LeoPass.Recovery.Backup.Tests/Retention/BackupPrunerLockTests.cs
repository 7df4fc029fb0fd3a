using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Retention;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Backup.Tests.Retention;

/// <summary>
/// Pruning against a store that locks objects (S3 Object Lock): a backup past the retention window
/// but still locked is kept and reported, never fought with a failing delete every night.
/// </summary>
public class BackupPrunerLockTests
{
    private static readonly DateTimeOffset Now = BackupPrunerTests.Now;

    private static S3StoreOptions Options(Uri endpoint, string bucket, RetentionLock? objectLock, DateTimeOffset clock) => new()
    {
        Bucket = bucket, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey, Endpoint = endpoint,
        ObjectLock = objectLock, Clock = new FakeTimeProvider(clock),
        Retry = new RetryOptions { MaxRetryAttempts = 1, Delay = TimeSpan.FromMilliseconds(20) },
    };

    private static Task<string> SeedAsync(IArtefactStore store, int daysAgo) => BackupPrunerTests.SeedAsync(store, daysAgo);

    private static Task<HashSet<string>> KeysAsync(IArtefactStore store) => BackupPrunerTests.KeysAsync(store);

    [Fact]
    public async Task A_backup_past_the_window_but_still_locked_is_kept_and_reported_and_an_expired_one_is_pruned()
    {
        await using var s3 = await S3rverProcess.StartNewAsync();
        await using var proxy = await S3FaultProxy.StartAsync(s3.Endpoint, emulateObjectLock: true);
        await using var db = await PostgresServer.CreateDatabaseAsync("prunelock");
        var clock = new FakeTimeProvider(Now);
        proxy.Clock = clock;
        var catalogue = new BackupCatalogue(db.ConnectionString, clock);
        await catalogue.MigrateAsync();
        // Written 40 days ago with a 30-day lock: expired. Written now with a 30-day lock, but named
        // 40 days ago (a clock that was wrong, or a longer lock than retention): still locked.
        using var expiredWriter = new S3ArtefactStore(Options(proxy.Endpoint, s3.Bucket, new RetentionLock(RetentionLockMode.Governance, 30), Now.AddDays(-40)));
        using var store = new S3ArtefactStore(Options(proxy.Endpoint, s3.Bucket, new RetentionLock(RetentionLockMode.Governance, 30), Now));
        var expired = await SeedAsync(expiredWriter, 41);
        var locked = await SeedAsync(store, 40);
        var recent = await SeedAsync(store, 1);
        var pruner = new BackupPruner(store, catalogue, clock, NullLogger<BackupPruner>.Instance);

        var dryRun = await pruner.PruneAsync(30, dryRun: true, CancellationToken.None);
        var plan = await pruner.PruneAsync(30, dryRun: false, CancellationToken.None);

        foreach (var result in new[] { dryRun, plan })
        {
            Assert.Equal([expired], result.Delete.Select(d => d.Key));
            var retained = Assert.Single(result.Retained);
            Assert.Equal(locked, retained.Key);
            Assert.Equal(Now.AddDays(30), retained.RetainedUntil);
            Assert.Contains("retention lock until", retained.Reason, StringComparison.Ordinal);
        }
        var left = await KeysAsync(store);
        Assert.DoesNotContain(expired, left);
        Assert.Contains(locked, left);
        Assert.Contains(ArtefactKey.ManifestOf(locked), left);
        Assert.Contains(recent, left);
        Assert.DoesNotContain(proxy.Requests, r => r.IsDelete && r.Key.StartsWith(locked, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delete_the_store_refuses_for_retention_keeps_the_backup_and_the_prune_carries_on()
    {
        var root = Directory.CreateTempSubdirectory("leopass-prune-refused-").FullName;
        await using var db = await PostgresServer.CreateDatabaseAsync("prunerefused");
        var clock = new FakeTimeProvider(Now);
        var catalogue = new BackupCatalogue(db.ConnectionString, clock);
        await catalogue.MigrateAsync();
        var files = ArtefactStoreFactory.Create(new StorageSettings { BackupDirectory = root });
        var refusedFirst = await SeedAsync(files, 50);
        var deletable = await SeedAsync(files, 45);
        await SeedAsync(files, 1);
        var store = new RetainingStore(files, refusedFirst);
        var pruner = new BackupPruner(store, catalogue, clock, NullLogger<BackupPruner>.Instance);

        var plan = await pruner.PruneAsync(30, dryRun: false, CancellationToken.None);

        Assert.Equal([deletable], plan.Delete.Select(d => d.Key));
        Assert.Equal(refusedFirst, Assert.Single(plan.Retained).Key);
        Assert.Contains("still under a retention lock", plan.Retained[0].Reason, StringComparison.Ordinal);
        var left = await KeysAsync(files);
        Assert.Contains(refusedFirst, left);
        Assert.DoesNotContain(deletable, left);
    }

    /// <summary>A store whose deletes of one backup are refused the way a bucket retention rule refuses them.</summary>
    private sealed class RetainingStore(IArtefactStore inner, string retainedKey) : IArtefactStore
    {
        public string Description => inner.Description;
        public Task<StoredObject> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, options, cancellationToken);
        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);
        public Task<StoredObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);
        public IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default) => inner.AbortUploadAsync(key, uploadId, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
            key.StartsWith(retainedKey, StringComparison.Ordinal)
                ? throw new ArtefactRetainedException(key, Description, "409 RetentionRuleViolation: the bucket's retention rule keeps it")
                : inner.DeleteAsync(key, cancellationToken);
    }
}
