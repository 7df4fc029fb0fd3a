using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Storage;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Backup.Retention;

/// <summary>
/// Applies retention to the store (the source of truth, not the catalogue, so a node with a
/// stale catalogue still prunes correctly). Objects without a manifest — leftovers of failed
/// backups — are pruned by the same age rule.
/// </summary>
public sealed class BackupPruner(IArtefactStore store, BackupCatalogue catalogue, TimeProvider clock, ILogger<BackupPruner> logger)
{
    public async Task<RetentionPlan> PlanAsync(int retentionDays, CancellationToken cancellationToken)
    {
        var objects = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync(ArtefactKey.Prefix, cancellationToken)) objects.Add(item.Key);
        var failed = (await catalogue.ListAsync(cancellationToken))
            .Where(b => b.LastVerifyResult is not null && b.LastVerifyResult != "ok")
            .Select(b => b.Key).ToHashSet(StringComparer.Ordinal);
        var candidates = objects
            .Where(k => !ArtefactKey.IsManifest(k))
            .Select(k => (Key: k, Time: ArtefactKey.TimeOf(k)))
            .Where(x => x.Time is not null)
            .Select(x => new RetentionCandidate(x.Key, x.Time!.Value, objects.Contains(ArtefactKey.ManifestOf(x.Key)), failed.Contains(x.Key)));
        return RetentionPlanner.Plan(candidates, clock.GetUtcNow(), retentionDays);
    }

    public async Task<RetentionPlan> PruneAsync(int retentionDays, bool dryRun, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(retentionDays, cancellationToken);
        if (dryRun) return plan;
        foreach (var backup in plan.Delete)
        {
            // Manifest first: the moment it is gone the backup no longer counts, so a crash
            // between the two deletes leaves an orphan object, never a manifest without data.
            await store.DeleteAsync(ArtefactKey.ManifestOf(backup.Key), cancellationToken);
            await store.DeleteAsync(backup.Key, cancellationToken);
            await catalogue.MarkPrunedAsync(backup.Key, cancellationToken);
            logger.LogInformation("Pruned {Key} (taken {TakenAt:u})", backup.Key, backup.TakenAt);
        }
        return plan;
    }
}
