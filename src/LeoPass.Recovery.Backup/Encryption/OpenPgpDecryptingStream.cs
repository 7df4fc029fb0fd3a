using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The read end of a decryption. Any failure inside the packet layers becomes an
/// <see cref="ArtefactIntegrityException"/>, and reaching the end checks the MDC, so damage can
/// never look like a clean, shorter plaintext.
/// </summary>
internal sealed class OpenPgpDecryptingStream(OpenedMessage message, Stream input, bool leaveOpen) : ReadOnlyStream
{
    private bool _verified;
    private bool _disposed;

    public override bool CanRead => !_disposed;
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_verified || buffer.IsEmpty) return 0;

        int read;
        try
        {
            read = message.LiteralData.Read(buffer);
        }
        // Damage surfaces from the packet layers as many exception types (I/O, packet, zlib).
        catch (Exception e) when (e is not ArtefactIntegrityException and not ObjectDisposedException and not OperationCanceledException)
        {
            throw new ArtefactIntegrityException("the artefact is truncated or damaged: its OpenPGP packets end early or do not parse", e);
        }

        if (read == 0) VerifyIntegrity();
        return read;
    }

    // Decryption is CPU work on synchronous packet streams; a thread hop per buffer gains nothing.
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    private void VerifyIntegrity()
    {
        try
        {
            message.VerifyIntegrity();
        }
        catch (Exception e) when (e is not ArtefactIntegrityException and not ObjectDisposedException and not OperationCanceledException)
        {
            throw new ArtefactIntegrityException("the artefact is truncated or damaged: its integrity check (MDC) could not be read", e);
        }
        _verified = true;
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            message.Dispose();
            if (!leaveOpen) input.Dispose();
        }
        base.Dispose(disposing);
    }
}
