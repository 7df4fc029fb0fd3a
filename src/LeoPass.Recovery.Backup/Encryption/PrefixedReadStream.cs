namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>Reads one already-consumed byte, then the rest of the inner stream. Does not own the inner stream.</summary>
internal sealed class PrefixedReadStream(byte first, Stream inner) : Stream
{
    private bool _firstPending = true;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (!_firstPending) return inner.Read(buffer);
        _firstPending = false;
        buffer[0] = first;
        return 1;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
