using LeoPass.Recovery.Backup.Pitr;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>
/// The end of the restore window: with a base backup and its WAL shipped without a gap, a
/// point-in-time restore reaches the newest shipped WAL, so that is the recovery point the RPO
/// counts from (seconds old, where the nightly dump is hours old). None without a window.
/// </summary>
public sealed class WalRecoveryPoints(RestoreWindowQuery windows) : IRecoveryPointSource
{
    public async Task<RecoveryPoint?> NewestAsync(CancellationToken cancellationToken) =>
        await windows.GetAsync(cancellationToken) is { IsEmpty: false } window
            ? new RecoveryPoint(window.To!.Value, $"WAL up to segment {window.NewestSegment} (point-in-time restore from base backup {window.EarliestBaseBackup} on)")
            : null;
}
