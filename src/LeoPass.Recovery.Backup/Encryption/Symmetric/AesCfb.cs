using System.Numerics;
using System.Security.Cryptography;

namespace LeoPass.Recovery.Backup.Encryption.Symmetric;

/// <summary>
/// AES in CFB-128 mode the way OpenPGP's integrity-protected data packet uses it (RFC 4880 §5.13):
/// a zero IV, no resynchronisation, the whole packet body one continuous CFB stream. Runs on the
/// platform's AES (AES-NI through OpenSSL); BouncyCastle's managed CFB was the bottleneck of every
/// backup and restore, at about a fifth of gpg's speed.
/// Feed whole 16-byte blocks; only the last call of a stream (<c>final: true</c>) may end on a partial block.
/// </summary>
internal sealed class AesCfb : IDisposable
{
    public const int BlockSize = 16;

    private readonly Aes _aes;

    // The previous ciphertext block, whose encryption is the next block's keystream. Zero at the start.
    private readonly byte[] _feedback = new byte[BlockSize];
    private byte[] _keystream = [];
    private bool _finished;

    public AesCfb(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        // SetKey copies straight into memory the runtime zeroes on Dispose; the Key setter would leave a managed copy behind.
        _aes.SetKey(key);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length, separate memory).</summary>
    public void Encrypt(ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, bool final = false)
    {
        var wholeBlocks = CheckLengths(plaintext.Length, ciphertext.Length, final);

        // Serial by nature: each block's keystream needs the ciphertext of the block before it.
        if (wholeBlocks > 0)
        {
            _aes.EncryptCfb(plaintext[..wholeBlocks], _feedback, ciphertext[..wholeBlocks], PaddingMode.None, feedbackSizeInBits: 128);
            ciphertext.Slice(wholeBlocks - BlockSize, BlockSize).CopyTo(_feedback);
        }
        XorFinalPartialBlock(plaintext[wholeBlocks..], ciphertext[wholeBlocks..]);
    }

    /// <summary>Decrypts <paramref name="ciphertext"/> into <paramref name="plaintext"/> (same length; may be the same memory).</summary>
    public void Decrypt(ReadOnlySpan<byte> ciphertext, Span<byte> plaintext, bool final = false)
    {
        var wholeBlocks = CheckLengths(ciphertext.Length, plaintext.Length, final);
        if (wholeBlocks > 0)
        {
            // Every block's keystream is the encryption of a ciphertext block that is already here, so
            // the keystream of the whole chunk is one ECB pass over the ciphertext shifted by a block,
            // which AES-NI pipelines; OpenSSL's CFB decryption goes block by block at a third of the speed.
            if (_keystream.Length < wholeBlocks) _keystream = new byte[wholeBlocks];
            var keystream = _keystream.AsSpan(0, wholeBlocks);
            _feedback.CopyTo(keystream);
            ciphertext[..(wholeBlocks - BlockSize)].CopyTo(keystream[BlockSize..]);
            ciphertext.Slice(wholeBlocks - BlockSize, BlockSize).CopyTo(_feedback);
            _aes.EncryptEcb(keystream, keystream, PaddingMode.None);
            Xor(ciphertext[..wholeBlocks], keystream, plaintext[..wholeBlocks]);
        }
        XorFinalPartialBlock(ciphertext[wholeBlocks..], plaintext[wholeBlocks..]);
    }

    private int CheckLengths(int inputLength, int outputLength, bool final)
    {
        if (_finished) throw new InvalidOperationException("the CFB stream already ended with its final, partial block");
        if (outputLength != inputLength)
            throw new ArgumentException($"the output holds {outputLength} bytes for {inputLength} bytes of input");
        if (!final && inputLength % BlockSize != 0)
            throw new ArgumentException($"only the final call may end on a partial block; {inputLength} is not a multiple of {BlockSize}");
        _finished = final;
        return inputLength - inputLength % BlockSize;
    }

    // In CFB, a byte of output is its input byte XOR the keystream byte at the same position, so a
    // final partial block uses the first bytes of one more keystream block.
    private void XorFinalPartialBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty) return;
        Span<byte> keystream = stackalloc byte[BlockSize];
        _aes.EncryptEcb(_feedback, keystream, PaddingMode.None);
        Xor(input, keystream[..input.Length], output);
    }

    private static void Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= left.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                (new Vector<byte>(left[i..]) ^ new Vector<byte>(right[i..])).CopyTo(destination[i..]);
        }
        for (; i < left.Length; i++) destination[i] = (byte)(left[i] ^ right[i]);
    }

    /// <summary>Releases the cipher (the runtime wipes its key) and zeroes the keystream, which is key-derived.</summary>
    public void Dispose()
    {
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
        CryptographicOperations.ZeroMemory(_feedback);
    }
}
