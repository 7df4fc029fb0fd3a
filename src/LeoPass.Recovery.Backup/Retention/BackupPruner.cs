using LeoPass.Recovery.Backup.Catalogue;

namespace LeoPass.Recovery.Backup.Retention;

/// <summary>
/// Applies retention to the store (the source of truth, not the catalogue, so a node with a
/// stale catalogue still prunes correctly). Objects without a manifest — leftovers of failed
/// backups — are pruned by the same age rule. A backup whose objects the store still holds
/// under a retention lock (BACKUP_OBJECT_LOCK, an Oracle retention rule) is kept and reported,
/// not fought: it is deleted by the first prune after its lock ends.
/// </summary>
public sealed class BackupPruner(IArtefactStore store, BackupCatalogue catalogue, TimeProvider clock, ILogger<BackupPruner> logger)
{
    public async Task<RetentionPlan> PlanAsync(int retentionDays, CancellationToken cancellationToken)
    {
        var objects = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(ArtefactKey.Prefix, cancellationToken)) objects.Add(item.Key);
        var catalogued = await catalogue.ListAsync(cancellationToken);
        var failed = catalogued
            .Where(b => b.LastVerifyResult is not null && b.LastVerifyResult != "ok")
            .Select(b => b.Key).ToHashSet(StringComparer.Ordinal);
        var restoreVerified = catalogued.Where(b => b.RestoreVerifiedAt is not null).Select(b => b.Key).ToHashSet(StringComparer.Ordinal);
        var candidates = objects
            .Where(ArtefactKey.IsArtefact)
            .Select(k => new RetentionCandidate(k, ArtefactKey.TimeOf(k)!.Value, objects.Contains(ArtefactKey.ManifestOf(k)), failed.Contains(k), restoreVerified.Contains(k)));
        var plan = RetentionPlanner.Plan(candidates, clock.GetUtcNow(), retentionDays);
        return await SetAsideLockedAsync(plan, objects, cancellationToken);
    }

    public async Task<RetentionPlan> PruneAsync(int retentionDays, bool dryRun, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(retentionDays, cancellationToken);
        if (dryRun) return plan;
        var deleted = new List<RetentionCandidate>();
        var retained = plan.Retained.ToList();
        foreach (var backup in plan.Delete)
        {
            try
            {
                // Manifest first: the moment it is gone the backup no longer counts, so a crash
                // between the deletes leaves an orphan object (pruned next time), never a manifest without data.
                await store.DeleteAsync(ArtefactKey.ManifestOf(backup.Key), cancellationToken);
                await store.DeleteAsync(ArtefactKey.SignatureOf(backup.Key), cancellationToken);
                await store.DeleteAsync(backup.Key, cancellationToken);
            }
            catch (ArtefactRetainedException e)
            {
                retained.Add(new RetainedBackup(backup.Key, backup.TakenAt, null, e.Message));
                continue;
            }
            await catalogue.MarkPrunedAsync(backup.Key, cancellationToken);
            deleted.Add(backup);
            logger.LogInformation("Pruned {Key} (taken {TakenAt:u})", backup.Key, backup.TakenAt);
        }
        // One line for all of them: a locked bucket is a decision, not a nightly failure storm.
        if (retained.Count > 0)
        {
            logger.LogInformation("Kept {Count} backup(s) past the retention window that the store still locks; they are pruned once their lock ends: {Keys}",
                retained.Count, string.Join(", ", retained.Select(r => r.RetainedUntil is { } until ? $"{r.Key} (until {until:u})" : r.Key)));
        }
        return plan with { Delete = deleted, Retained = retained };
    }

    /// <summary>
    /// Moves out of the plan every backup whose objects the store reports locked beyond now. Asked
    /// per object (HEAD) only for the few backups a prune would delete, so a night's prune costs a
    /// handful of requests whatever the bucket holds.
    /// </summary>
    private async Task<RetentionPlan> SetAsideLockedAsync(RetentionPlan plan, HashSet<string> objects, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var delete = new List<RetentionCandidate>();
        var retained = new List<RetainedBackup>();
        foreach (var backup in plan.Delete)
        {
            DateTimeOffset? lockedUntil = null;
            foreach (var key in new[] { backup.Key, ArtefactKey.ManifestOf(backup.Key), ArtefactKey.SignatureOf(backup.Key) }.Where(objects.Contains))
            {
                if ((await store.HeadAsync(key, cancellationToken))?.RetainedUntil is { } until && until > now && (lockedUntil is null || until > lockedUntil))
                {
                    lockedUntil = until;
                }
            }
            if (lockedUntil is { } locked) retained.Add(new RetainedBackup(backup.Key, backup.TakenAt, locked, $"under a retention lock until {locked:u}"));
            else delete.Add(backup);
        }
        return plan with { Delete = delete, Retained = retained };
    }
}
