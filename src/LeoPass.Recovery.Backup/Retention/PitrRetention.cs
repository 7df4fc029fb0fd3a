using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Wal;

namespace LeoPass.Recovery.Backup.Retention;

/// <summary>What a point-in-time prune deletes and keeps.</summary>
/// <param name="KeepFrom">The oldest base backup kept: the newest one that ends at or before the cutoff (so the window reaches back to it), or the oldest one.</param>
public sealed record PitrRetentionPlan(DateTimeOffset Cutoff, string? KeepFrom, IReadOnlyList<string> BaseBackups, IReadOnlyList<string> WalObjects);

/// <summary>
/// Keeps BACKUP_RETENTION_DAYS of restore window: the newest base backup that ends at or before
/// the cutoff and everything after it stay — its WAL too, from its start segment on — and older
/// base backups and WAL go. Never the newest base backup, never WAL a kept base backup needs.
/// Works on the store (listing leopass-base/ and leopass-wal/, so unmanifested leftovers and second
/// shipments of a segment go by the same rule), manifest first, as the dump prune does.
/// </summary>
public sealed class PitrRetention(IArtefactStore store, PitrCatalogue catalogue, TimeProvider clock, ILogger<PitrRetention> logger)
{
    public async Task<PitrRetentionPlan> PruneAsync(int retentionDays, bool dryRun, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromDays(retentionDays);
        var bases = await catalogue.ListBaseBackupsAsync(cancellationToken);
        var keep = bases.Where(b => b.EndedAt <= cutoff).MaxBy(b => b.EndedAt) ?? bases.MinBy(b => b.StartedAt);
        if (keep is null) return new PitrRetentionPlan(cutoff, null, [], []);
        var keepManifest = BaseBackupManifest.Parse(keep.ManifestJson, keep.Key);
        var segmentBytes = keepManifest.Source.SegmentBytes;
        var firstKeptSegment = RestoreWindowQuery.SegmentRange(keep).Start;

        var oldBases = new List<string>();
        var oldWal = new List<string>();
        await foreach (var item in store.ListAsync(BaseBackupKey.Prefix, cancellationToken))
        {
            if (!BaseBackupKey.IsBaseBackup(item.Key)) continue;
            // Keys sort by start time; the kept one and every later one stay.
            if (string.CompareOrdinal(item.Key, keep.Key) < 0) oldBases.Add(item.Key);
        }
        await foreach (var item in store.ListAsync(WalArtefactKey.Prefix, cancellationToken))
        {
            if (WalArtefactKey.FileNameOf(item.Key) is not { } name || !WalFileName.TryParse(name, segmentBytes, out var file)) continue;
            var older = file!.IsHistory ? file.Timeline < keep.Timeline : file.SegmentNumber < (ulong)firstKeptSegment;
            if (older) oldWal.Add(item.Key);
        }
        var plan = new PitrRetentionPlan(cutoff, keep.Key, oldBases, oldWal);
        if (dryRun) return plan;

        foreach (var key in oldBases.Concat(oldWal))
        {
            // Manifest first: the moment it is gone the object no longer counts.
            await store.DeleteAsync(ArtefactKey.ManifestOf(key), cancellationToken);
            await store.DeleteAsync(ArtefactKey.SignatureOf(key), cancellationToken);
            await store.DeleteAsync(key, cancellationToken);
        }
        foreach (var key in oldBases) await catalogue.MarkBaseBackupPrunedAsync(key, cancellationToken);
        foreach (var key in oldWal) await catalogue.MarkSegmentPrunedAsync(key, cancellationToken);
        if (oldBases.Count + oldWal.Count > 0)
        {
            logger.LogInformation("Pruned {Bases} base backup(s) and {Wal} WAL file(s) older than {Keep}, the base backup that keeps {Days} days of restore window",
                oldBases.Count, oldWal.Count, keep.Key, retentionDays);
        }
        return plan;
    }
}
