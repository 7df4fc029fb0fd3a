namespace LeoPass.Recovery.Storage.S3;

/// <summary>
/// The body of a GET that also releases the response (and its connection) when disposed, and
/// reports a connection lost mid-read as a transient store failure.
/// </summary>
internal sealed class OwningReadStream(Stream inner, IDisposable owner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or Amazon.Runtime.AmazonClientException)
        {
            throw Lost(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner.Dispose();
        }
        base.Dispose(disposing);
    }

    private static int Guard(Func<int> read)
    {
        try { return read(); }
        catch (Exception e) when (e is IOException or HttpRequestException or Amazon.Runtime.AmazonClientException) { throw Lost(e); }
    }

    /// <summary>A lost connection, or bytes that fail the SDK's MD5 check: reading again may succeed.</summary>
    private static ArtefactStoreException Lost(Exception e) =>
        new($"reading from the object store failed: {e.Message}", isPermanent: false, e);
}
