using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;

namespace LeoPass.Recovery.Backup.Encryption.SessionKeys;

/// <summary>
/// The one-time symmetric key of a message. A public-key session packet carries it as "session info"
/// (RFC 4880 §5.1): the algorithm octet, the key, then a two-octet checksum of the key octets.
/// </summary>
/// <remarks>
/// Anyone holding it reads the whole artefact, so it lives only until the cipher is keyed: the
/// owner disposes it right after constructing the <see cref="Symmetric.AesCfb"/>, which zeroes
/// the bytes (the cipher keeps its own copy in memory the runtime wipes when it is disposed).
/// </remarks>
internal sealed class SessionKey : IDisposable
{
    private SessionKey(SymmetricKeyAlgorithmTag algorithm, byte[] key)
    {
        Algorithm = algorithm;
        Key = key;
    }

    public SymmetricKeyAlgorithmTag Algorithm { get; }

    public byte[] Key { get; }

    /// <summary>A fresh AES-256 key: what every artefact is encrypted with.</summary>
    public static SessionKey NewAes256() => new(SymmetricKeyAlgorithmTag.Aes256, RandomNumberGenerator.GetBytes(32));

    /// <summary>The session info to encrypt; the caller zeroes it once encrypted (it holds the key).</summary>
    public byte[] ToSessionInfo()
    {
        var info = new byte[1 + Key.Length + 2];
        info[0] = (byte)Algorithm;
        Key.CopyTo(info, 1);
        BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(1 + Key.Length), Checksum(Key));
        return info;
    }

    /// <summary>Reads decrypted session info; null when its checksum or length says the decryption went wrong.</summary>
    /// <exception cref="ArtefactIntegrityException">The message uses a cipher other than AES.</exception>
    public static SessionKey? FromSessionInfo(ReadOnlySpan<byte> info)
    {
        if (info.Length < 1 + 16 + 2) return null;
        var algorithm = (SymmetricKeyAlgorithmTag)info[0];
        var key = info[1..^2];
        if (BinaryPrimitives.ReadUInt16BigEndian(info[^2..]) != Checksum(key)) return null;

        var expectedLength = algorithm switch
        {
            SymmetricKeyAlgorithmTag.Aes128 => 16,
            SymmetricKeyAlgorithmTag.Aes192 => 24,
            SymmetricKeyAlgorithmTag.Aes256 => 32,
            _ => throw new ArtefactIntegrityException(
                $"the artefact is encrypted with {algorithm}; LeoPass.Recovery reads AES only (its own artefacts, and gpg's by default, use AES-256)"),
        };
        return key.Length == expectedLength ? new SessionKey(algorithm, key.ToArray()) : null;
    }

    /// <summary>Zeroes the key bytes.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(Key);

    private static ushort Checksum(ReadOnlySpan<byte> key)
    {
        var sum = 0;
        foreach (var octet in key) sum += octet;
        return (ushort)sum;
    }
}
