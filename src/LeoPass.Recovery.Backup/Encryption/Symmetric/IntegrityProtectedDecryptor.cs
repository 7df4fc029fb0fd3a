using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Encryption.SessionKeys;
using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.Encryption.Symmetric;

/// <summary>
/// Reads the plaintext of an integrity-protected data packet body written as
/// <see cref="IntegrityProtectedEncryptor"/> describes: drops the 18-octet prefix, and holds back the
/// last 22 octets, which at the end must be the MDC packet with the SHA-1 of everything before it.
/// The read that reaches the end verifies it and throws <see cref="ArtefactIntegrityException"/> when
/// it does not match, so a modified or truncated body never ends like a clean one.
/// </summary>
internal sealed class IntegrityProtectedDecryptor : ReadOnlyStream
{
    // A multiple of the block size.
    private const int ChunkLength = 256 * 1024;
    private const int HeldBack = IntegrityProtectedEncryptor.MdcPacketLength;

    private readonly Stream _body;
    private readonly AesCfb _cipher;
    private readonly IncrementalHash _mdc = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly byte[] _ciphertext = new byte[ChunkLength];
    private readonly byte[] _plaintext = new byte[ChunkLength + HeldBack];

    // Decrypted octets not yet released to the reader: _plaintext[_start.._end].
    private int _start;
    private int _end;

    private int _prefixToDrop = IntegrityProtectedEncryptor.PrefixLength;
    private bool _endOfBody;
    private bool _disposed;

    // Once the check failed, every later read fails the same way: the hash is spent, and a retry
    // must never find a "clean" end.
    private ArtefactIntegrityException? _failure;

    /// <param name="body">The packet body after its version octet.</param>
    public IntegrityProtectedDecryptor(Stream body, SessionKey sessionKey)
    {
        _body = body;
        _cipher = new AesCfb(sessionKey.Key);
    }

    /// <summary>True once the end was reached and the MDC matched.</summary>
    public bool IsVerified { get; private set; }

    public override bool CanRead => !_disposed;
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null) throw _failure;
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            // Whatever may still be the MDC packet stays back until the body ends.
            var releasable = _end - _start - HeldBack;
            if (releasable > 0 && _prefixToDrop > 0)
            {
                var dropped = Math.Min(releasable, _prefixToDrop);
                Release(dropped);
                _prefixToDrop -= dropped;
                continue;
            }
            if (releasable > 0)
            {
                var count = Math.Min(releasable, buffer.Length);
                _plaintext.AsSpan(_start, count).CopyTo(buffer);
                Release(count);
                return count;
            }
            if (_endOfBody)
            {
                try
                {
                    VerifyMdc();
                }
                catch (ArtefactIntegrityException e)
                {
                    _failure = e;
                    throw;
                }
                return 0;
            }
            DecryptNextChunk();
        }
    }

    private void Release(int count)
    {
        _mdc.AppendData(_plaintext.AsSpan(_start, count));
        _start += count;
    }

    private void DecryptNextChunk()
    {
        // At most the held-back octets remain; move them to the front.
        var kept = _end - _start;
        _plaintext.AsSpan(_start, kept).CopyTo(_plaintext);
        _start = 0;
        _end = kept;

        // Only a chunk that ends the body can be short, so every other one is whole blocks.
        var filled = 0;
        while (filled < _ciphertext.Length)
        {
            var read = _body.Read(_ciphertext, filled, _ciphertext.Length - filled);
            if (read == 0)
            {
                _endOfBody = true;
                break;
            }
            filled += read;
        }

        _cipher.Decrypt(_ciphertext.AsSpan(0, filled), _plaintext.AsSpan(_end, filled), final: _endOfBody);
        _end += filled;
    }

    private void VerifyMdc()
    {
        if (IsVerified) return;
        var trailer = _plaintext.AsSpan(_start, _end - _start);
        if (_prefixToDrop > 0 || trailer.Length != HeldBack || !trailer.StartsWith(IntegrityProtectedEncryptor.MdcPacketHeader))
            throw new ArtefactIntegrityException("the artefact is truncated or damaged: its integrity check (MDC) is missing");

        _mdc.AppendData(trailer[..IntegrityProtectedEncryptor.MdcPacketHeader.Length]);
        Span<byte> digest = stackalloc byte[20];
        _mdc.GetHashAndReset(digest);
        if (!CryptographicOperations.FixedTimeEquals(digest, trailer[IntegrityProtectedEncryptor.MdcPacketHeader.Length..]))
            throw new ArtefactIntegrityException("the artefact was modified or truncated: its integrity check (MDC) does not match");
        IsVerified = true;
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _cipher.Dispose();
            _mdc.Dispose();
            // Plaintext of a production dump: not left in freed memory.
            CryptographicOperations.ZeroMemory(_plaintext);
        }
        base.Dispose(disposing);
    }
}
