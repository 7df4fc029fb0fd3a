using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>Reads one already-consumed byte, then the rest of the inner stream. Does not own the inner stream.</summary>
internal sealed class PrefixedReadStream(byte first, Stream inner) : ReadOnlyStream
{
    private bool _firstPending = true;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (!_firstPending) return inner.Read(buffer);
        _firstPending = false;
        buffer[0] = first;
        return 1;
    }
}
