namespace LeoPass.Recovery.Backup.Streams;

/// <summary>A write-only pass-through that counts bytes, to report each pipeline stage's size.</summary>
public sealed class CountingWriteStream(Stream inner, bool leaveOpen = false) : WriteOnlyStream
{
    private long _count;

    public long BytesWritten => Interlocked.Read(ref _count);

    /// <summary>Called after each write with the running total.</summary>
    public Action<long>? Progress { get; init; }

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count(buffer.Length);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Count(buffer.Length);
    }

    // Not `Progress?.Invoke(Interlocked.Add(…))`: a null-conditional call skips its arguments, and the count with them.
    private void Count(int bytes)
    {
        var total = Interlocked.Add(ref _count, bytes);
        Progress?.Invoke(total);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen) await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
