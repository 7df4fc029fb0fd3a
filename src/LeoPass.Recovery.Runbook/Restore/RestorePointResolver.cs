using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Reading;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Chooses the restore point: <c>latest</c> (newest verified backup), a key, or a UTC date
/// (<c>2026-11-27</c>: the newest backup of that day). Returns its manifest, read from the store.
/// </summary>
public sealed class RestorePointResolver(ArtefactReader reader, BackupCatalogue catalogue)
{
    public async Task<BackupManifest> ResolveAsync(string selector, CancellationToken cancellationToken)
    {
        selector = selector.Trim();
        if (DateOnly.TryParseExact(selector, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var entry = (await catalogue.ListAsync(cancellationToken))
                .Where(b => DateOnly.FromDateTime(b.SnapshotStartedAt.UtcDateTime) == day && b.LastVerifyResult is null or "ok")
                .MaxBy(b => b.SnapshotStartedAt)
                ?? throw new BackupException($"no verified backup was taken on {selector} (UTC): run `backup list` to see which exist") { Stage = "resolve" };
            selector = entry.Key;
        }
        return await reader.ResolveAsync(selector, cancellationToken);
    }
}
