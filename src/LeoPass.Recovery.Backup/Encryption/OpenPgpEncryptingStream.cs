using LeoPass.Recovery.Backup.Encryption.Symmetric;
using LeoPass.Recovery.Backup.Streams;
using Org.BouncyCastle.Bcpg;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The write end of an OpenPGP message. Writes go into the literal data packet; disposal closes
/// the literal packet, then the encrypted data (which appends the MDC), then ends the encrypted
/// packet, then optionally closes the output.
/// After a failed write the message is left unfinished (no MDC), so it can never decrypt cleanly.
/// </summary>
internal sealed class OpenPgpEncryptingStream(
    Stream literal, IntegrityProtectedEncryptor encrypted, BcpgOutputStream encryptedPacket, Stream output, bool leaveOpen) : WriteOnlyStream
{
    private bool _disposed;

    // Set when a write failed (usually the output: a broken upload). Disposal then skips finishing
    // the message, which would only write to the broken output again and hide the first error.
    private bool _faulted;

    public override bool CanWrite => !_disposed;
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            literal.Write(buffer);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    // Encryption is CPU work, and the packet layers write to the output synchronously;
    // pretending otherwise would only add a thread hop per buffer.
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    // Partial-length packets cannot be flushed early without ending a packet; the output is flushed on disposal.
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;


    protected override void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            base.Dispose(disposing);
            return;
        }
        _disposed = true;
        try
        {
            if (!_faulted)
            {
                literal.Dispose();
                encrypted.Finish();
                encryptedPacket.Finish();
                output.Flush();
            }
        }
        finally
        {
            encrypted.Dispose();
            if (!leaveOpen) output.Dispose();
            base.Dispose(disposing);
        }
    }

    // Stream.DisposeAsync calls Dispose: the packet layers finish synchronously.
}
