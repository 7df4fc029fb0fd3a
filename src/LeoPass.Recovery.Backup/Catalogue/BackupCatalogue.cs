using LeoPass.Recovery.Core.Schema;
using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Signing;
using Medallion.Threading.Postgres;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Backup.Catalogue;

/// <summary>
/// What backups exist and how they were verified. The bucket's manifests are the source of
/// truth; the catalogue is a fast, queryable copy that <see cref="RefreshFromStoreAsync"/>
/// rebuilds from them on a node that has never seen the bucket.
/// </summary>
public sealed class BackupCatalogue(string connectionString, TimeProvider clock)
{
    private static readonly Lazy<IReadOnlyList<string>> MigrationIds = new(() => SchemaCheck.MigrationIdsOf(typeof(CatalogueDbContext).Assembly, typeof(CatalogueDbContext)));

    private CatalogueDbContext Open() => new(CatalogueDbContext.OptionsFor(connectionString));

    /// <summary>Creates or upgrades the catalogue tables. Safe to call from several nodes at once.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        SchemaMigrator.MigrateAsync(connectionString, CatalogueDbContext.Schema, MigrationIds.Value, async ct =>
        {
            await using var db = Open();
            await db.Database.MigrateAsync(ct);
        }, cancellationToken);

    public async Task RecordAsync(BackupManifest manifest, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        var existing = await db.Backups.FindAsync([manifest.Key], cancellationToken);
        var entry = existing ?? new CatalogueEntry
        {
            Key = manifest.Key,
            SnapshotStartedAt = manifest.Snapshot.StartedAt,
            SnapshotEndedAt = manifest.Snapshot.EndedAt,
            CreatedAt = manifest.CreatedAt,
            DatabaseName = manifest.Database.Name,
            StoredBytes = manifest.Sizes.StoredBytes,
            DumpBytes = manifest.Sizes.DumpBytes,
            Sha256 = manifest.Sha256,
            ETag = manifest.Upload.ETag,
            UploadVerification = manifest.Upload.Verification,
            Compression = manifest.Compression,
            RecipientFingerprint = manifest.Encryption.RecipientFingerprint,
            ManifestJson = manifest.ToJson(),
        };
        entry.PrunedAt = null;
        if (existing is null) db.Backups.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Backups not pruned, newest first.</summary>
    public async Task<IReadOnlyList<CatalogueEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.Backups.AsNoTracking().Where(b => b.PrunedAt == null)
            .OrderByDescending(b => b.SnapshotStartedAt).ToListAsync(cancellationToken);
    }

    public async Task<CatalogueEntry?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.Backups.AsNoTracking().FirstOrDefaultAsync(b => b.Key == key && b.PrunedAt == null, cancellationToken);
    }

    /// <summary>The newest backup whose upload was verified (every catalogued backup) and whose last full verification, if any, passed.</summary>
    public async Task<CatalogueEntry?> LatestVerifiedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.Backups.AsNoTracking()
            .Where(b => b.PrunedAt == null && (b.LastVerifyResult == null || b.LastVerifyResult == "ok"))
            .OrderByDescending(b => b.SnapshotStartedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The newest backup a restore proved (verify-restore), or null when none was.</summary>
    public async Task<CatalogueEntry?> LatestRestoreVerifiedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.Backups.AsNoTracking()
            .Where(b => b.PrunedAt == null && b.RestoreVerifiedAt != null)
            .OrderByDescending(b => b.SnapshotStartedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the backup restore-verified: restored into a scratch database by run <paramref name="runId"/>,
    /// every one of <paramref name="tables"/> tables (and the migration head) equal to the manifest.
    /// Throws when the catalogue does not know the key: a proof of an unknown backup proves nothing here.
    /// </summary>
    public async Task RecordRestoreVerifiedAsync(string key, long runId, int tables, string summary, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        var updated = await db.Backups.Where(b => b.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.RestoreVerifiedAt, clock.GetUtcNow())
            .SetProperty(b => b.RestoreVerifiedRunId, runId)
            .SetProperty(b => b.RestoreVerifiedTables, tables)
            .SetProperty(b => b.RestoreVerifiedSummary, summary), cancellationToken);
        if (updated == 0) throw new BackupException($"the catalogue has no backup {key} to mark restore-verified: run `backup list --refresh`") { Stage = "catalogue" };
    }

    /// <summary>Records a failed restore verification of the backup (it stays unmarked, or keeps an earlier proof).</summary>
    public async Task RecordRestoreVerifyFailedAsync(string key, string failure, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.Backups.Where(b => b.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.RestoreVerifyFailedAt, clock.GetUtcNow())
            .SetProperty(b => b.RestoreVerifyFailure, failure), cancellationToken);
    }

    /// <summary>Every watch of the cluster's watchdog as it last stood.</summary>
    public async Task<IReadOnlyList<Watchdog.WatchRecord>> WatchesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.Watches.AsNoTracking().OrderBy(w => w.Watch).ToListAsync(cancellationToken);
    }

    public async Task RecordVerificationAsync(string key, string result, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.Backups.Where(b => b.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.LastVerifiedAt, clock.GetUtcNow())
            .SetProperty(b => b.LastVerifyResult, result), cancellationToken);
    }

    public async Task MarkPrunedAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.Backups.Where(b => b.Key == key).ExecuteUpdateAsync(s => s.SetProperty(b => b.PrunedAt, clock.GetUtcNow()), cancellationToken);
    }

    public async Task AddPendingUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        db.PendingUploads.Add(new PendingUpload { Key = key, UploadId = uploadId, StartedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RemovePendingUploadAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        await db.PendingUploads.Where(u => u.UploadId == uploadId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Marks an upload as alive for as long as the returned handle is held: a PostgreSQL advisory
    /// lock on a connection of its own, which dies with the process that holds it. Without it a
    /// backup starting next to a running one took that one's upload for a leftover and aborted it.
    /// </summary>
    public async Task<IAsyncDisposable> HoldUploadAsync(string uploadId, CancellationToken cancellationToken = default) =>
        await UploadLock(uploadId).AcquireAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Claims an upload recorded as pending whose owner is gone (its process died or gave up), so it
    /// can be aborted; null while a live process still holds it (<see cref="HoldUploadAsync"/>).
    /// </summary>
    public async Task<IAsyncDisposable?> TryClaimAbandonedUploadAsync(string uploadId, CancellationToken cancellationToken = default) =>
        await UploadLock(uploadId).TryAcquireAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>First key of the two-part advisory key: "LPUP", apart from the engine's run locks ("LPRN").</summary>
    private const int UploadLockNamespace = 0x4C505550;

    // Upload ids are strings; the lock key is their stable hash (string.GetHashCode differs per process).
    // Two ids sharing a hash only make an abort wait for the next run.
    private PostgresDistributedLock UploadLock(string uploadId) =>
        new(new PostgresAdvisoryLockKey(UploadLockNamespace, BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(uploadId)), 0)), connectionString,
            o => o.KeepaliveCadence(TimeSpan.FromSeconds(30)));

    public async Task<IReadOnlyList<PendingUpload>> PendingUploadsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = Open();
        return await db.PendingUploads.AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Rebuilds the catalogue from the manifests in the store: adds what the store has and the
    /// catalogue lacks, and marks as pruned what the catalogue has and the store lost. Manifests
    /// are read through <paramref name="manifests"/>, so one that is damaged, describes another
    /// key, or (with BACKUP_TRUSTED_SIGNERS) is not signed by a trusted key is not catalogued:
    /// it is reported in <see cref="CatalogueRefresh.Refused"/>, and a planted manifest cannot
    /// become the "latest" backup.
    /// </summary>
    public async Task<CatalogueRefresh> RefreshFromStoreAsync(IArtefactStore store, ManifestReader manifests, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, BackupManifest>(StringComparer.Ordinal);
        var refused = new List<RefusedManifest>();
        await foreach (var item in store.ListAsync(ArtefactKey.Prefix, cancellationToken))
        {
            if (!ArtefactKey.IsManifest(item.Key)) continue;
            var key = ArtefactKey.ArtefactOfManifest(item.Key);
            try
            {
                found[key] = await manifests.ReadAsync(key, cancellationToken);
            }
            catch (ArtefactNotFoundException)
            {
                // Pruned between the listing and the read.
            }
            catch (Exception e) when (e is InvalidDataException or BackupException)
            {
                refused.Add(new RefusedManifest(item.Key, e.Message));
            }
        }
        var known = (await ListAsync(cancellationToken)).ToDictionary(b => b.Key, StringComparer.Ordinal);
        var added = 0;
        foreach (var manifest in found.Values.Where(m => !known.ContainsKey(m.Key)))
        {
            await RecordAsync(manifest, cancellationToken);
            added++;
        }
        var removed = 0;
        foreach (var key in known.Keys.Where(k => !found.ContainsKey(k)))
        {
            await MarkPrunedAsync(key, cancellationToken);
            removed++;
        }
        return new CatalogueRefresh(added, removed, refused);
    }
}

/// <summary>What <see cref="BackupCatalogue.RefreshFromStoreAsync"/> changed, and the manifests it would not believe.</summary>
public sealed record CatalogueRefresh(int Added, int Removed, IReadOnlyList<RefusedManifest> Refused);

/// <summary>A manifest in the store that the catalogue does not list, and why.</summary>
public sealed record RefusedManifest(string ManifestKey, string Reason);
