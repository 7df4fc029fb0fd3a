using System.Security.Cryptography;

namespace LeoPass.Recovery.Storage.Tests.Support;

public static class StoreAssert
{
    public static async Task<string> Sha256OfObjectAsync(IArtefactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    public static async Task<List<StoredObjectInfo>> ListAllAsync(IArtefactStore store, string prefix = "")
    {
        var all = new List<StoredObjectInfo>();
        await foreach (var item in store.ListAsync(prefix)) all.Add(item);
        return all;
    }

    /// <summary>Records the hooks' calls so tests can check the upload-id protocol.</summary>
    public sealed class UploadLog
    {
        public List<string> Started { get; } = [];
        public List<string> Finished { get; } = [];
        public long LastProgress { get; private set; }

        public PutOptions Options => new()
        {
            UploadStarted = id => { lock (this) Started.Add(id); return Task.CompletedTask; },
            UploadFinished = id => { lock (this) Finished.Add(id); return Task.CompletedTask; },
            Progress = total => { lock (this) LastProgress = Math.Max(LastProgress, total); },
        };
    }
}
