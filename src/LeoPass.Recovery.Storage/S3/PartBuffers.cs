namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// The part buffers of one upload, owned by it and allocated at most <c>count</c> times: a part
/// being filled waits for a sent part's buffer to come back. That makes an upload's memory a
/// structural bound (count × part size) rather than whatever a shared pool keeps cached: with
/// ArrayPool.Shared every part rented on another thread left one more 8 MiB array behind.
/// </summary>
internal sealed class PartBuffers(int partSize, int count) : IDisposable
{
    private readonly SemaphoreSlim _free = new(count, count);
    private readonly Stack<byte[]> _returned = new();
    private readonly Lock _lock = new();

    public int PartSize => partSize;

    /// <summary>A buffer of <see cref="PartSize"/> bytes; waits while all of them are out.</summary>
    public async Task<byte[]> RentAsync(CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken);
        lock (_lock)
        {
            if (_returned.TryPop(out var buffer)) return buffer;
        }
        // GC.AllocateUninitializedArray: a part is always filled before it is read.
        return GC.AllocateUninitializedArray<byte>(partSize);
    }

    public void Return(byte[] buffer)
    {
        lock (_lock) _returned.Push(buffer);
        _free.Release();
    }

    public void Dispose() => _free.Dispose();
}
