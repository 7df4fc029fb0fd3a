using System.Collections.Concurrent;
using LeoPass.Recovery.Backup.Catalogue;

namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>
/// The store-side uploads of one backup: each is held alive (<see cref="BackupCatalogue.HoldUploadAsync"/>)
/// before it is recorded as pending, and released after it is finished, so a backup starting
/// meanwhile never aborts it, while one left by a dead process is aborted by the next backup.
/// </summary>
internal sealed class LiveUploads(BackupCatalogue catalogue, string key) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IAsyncDisposable> _held = new(StringComparer.Ordinal);

    public async Task StartedAsync(string uploadId)
    {
        _held[uploadId] = await catalogue.HoldUploadAsync(uploadId, CancellationToken.None);
        await catalogue.AddPendingUploadAsync(key, uploadId, CancellationToken.None);
    }

    public async Task FinishedAsync(string uploadId)
    {
        await catalogue.RemovePendingUploadAsync(uploadId, CancellationToken.None);
        if (_held.TryRemove(uploadId, out var hold)) await hold.DisposeAsync();
    }

    /// <summary>An upload neither finished nor aborted stays recorded; letting it go lets the next backup abort it.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var uploadId in _held.Keys)
        {
            if (_held.TryRemove(uploadId, out var hold)) await hold.DisposeAsync();
        }
    }
}
