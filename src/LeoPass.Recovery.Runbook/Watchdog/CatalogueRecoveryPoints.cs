using LeoPass.Recovery.Backup.Catalogue;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>The newest verified backup's snapshot: what a restore from backups would bring back.</summary>
public sealed class CatalogueRecoveryPoints(BackupCatalogue catalogue) : IRecoveryPointSource
{
    public async Task<RecoveryPoint?> NewestAsync(CancellationToken cancellationToken) =>
        await catalogue.LatestVerifiedAsync(cancellationToken) is { } backup ? new RecoveryPoint(backup.SnapshotStartedAt, $"backup {backup.Key}") : null;
}
