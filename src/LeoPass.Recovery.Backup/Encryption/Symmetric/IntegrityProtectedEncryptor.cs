using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Encryption.SessionKeys;
using LeoPass.Recovery.Backup.Streams;

namespace LeoPass.Recovery.Backup.Encryption.Symmetric;

/// <summary>
/// Writes the encrypted body of a symmetrically encrypted integrity-protected data packet, version 1
/// (RFC 4880 §5.13): a random 18-octet prefix (16 random octets, the last two repeated), the
/// plaintext, then the modification detection code packet (0xD3 0x14 and the SHA-1 of everything
/// before it, its own two header octets included), all one AES-CFB stream.
/// <see cref="Finish"/> writes the MDC; without it the body is incomplete and will never decrypt.
/// </summary>
internal sealed class IntegrityProtectedEncryptor : WriteOnlyStream
{
    public const int PrefixLength = AesCfb.BlockSize + 2;
    public const int MdcPacketLength = 2 + 20;
    public static ReadOnlySpan<byte> MdcPacketHeader => [0xD3, 0x14];

    // A multiple of the block size, so every chunk but the last is whole blocks.
    private const int ChunkLength = 256 * 1024;

    private readonly Stream _body;
    private readonly AesCfb _cipher;
    private readonly IncrementalHash _mdc = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    // Room for the MDC packet after a nearly full chunk.
    private readonly byte[] _plaintext = new byte[ChunkLength + MdcPacketLength];
    private readonly byte[] _ciphertext = new byte[ChunkLength + MdcPacketLength];
    private int _buffered;
    private bool _finished;

    /// <param name="body">Receives the ciphertext: the packet body after its version octet.</param>
    public IntegrityProtectedEncryptor(Stream body, SessionKey sessionKey)
    {
        _body = body;
        _cipher = new AesCfb(sessionKey.Key);
        RandomNumberGenerator.Fill(_plaintext.AsSpan(0, AesCfb.BlockSize));
        _plaintext[AesCfb.BlockSize] = _plaintext[AesCfb.BlockSize - 2];
        _plaintext[AesCfb.BlockSize + 1] = _plaintext[AesCfb.BlockSize - 1];
        _buffered = PrefixLength;
    }

    public override bool CanWrite => !_finished;
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_finished) throw new InvalidOperationException("the encrypted packet is already finished");
        while (!buffer.IsEmpty)
        {
            var taken = Math.Min(buffer.Length, ChunkLength - _buffered);
            buffer[..taken].CopyTo(_plaintext.AsSpan(_buffered));
            _buffered += taken;
            buffer = buffer[taken..];
            if (_buffered == ChunkLength) EncryptFullChunk();
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    // CPU work into a synchronous packet writer: an asynchronous write would only add a thread hop.
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Appends the MDC packet and writes the last ciphertext. Does not close the body stream.</summary>
    public void Finish()
    {
        if (_finished) return;
        MdcPacketHeader.CopyTo(_plaintext.AsSpan(_buffered));
        _buffered += MdcPacketHeader.Length;
        _mdc.AppendData(_plaintext.AsSpan(0, _buffered));
        _buffered += _mdc.GetHashAndReset(_plaintext.AsSpan(_buffered));
        EncryptBuffered(final: true);
        _finished = true;
    }

    private void EncryptFullChunk()
    {
        _mdc.AppendData(_plaintext.AsSpan(0, _buffered));
        EncryptBuffered(final: false);
    }

    private void EncryptBuffered(bool final)
    {
        _cipher.Encrypt(_plaintext.AsSpan(0, _buffered), _ciphertext.AsSpan(0, _buffered), final);
        _body.Write(_ciphertext, 0, _buffered);
        _buffered = 0;
    }

    // Partial-length packets cannot be flushed early without ending a packet; the body is written in chunks.
    public override void Flush() { }


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cipher.Dispose();
            _mdc.Dispose();
            // Plaintext of a production dump: not left in freed memory.
            CryptographicOperations.ZeroMemory(_plaintext);
        }
        base.Dispose(disposing);
    }
}
