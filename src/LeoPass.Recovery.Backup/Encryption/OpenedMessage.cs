using LeoPass.Recovery.Backup.Encryption.SessionKeys;
using LeoPass.Recovery.Backup.Encryption.Symmetric;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Walks an OpenPGP message's packets up to the literal data: finds the session key packet for one
/// of our keys, refuses data without integrity protection, decrypts the integrity-protected packet
/// with <see cref="IntegrityProtectedDecryptor"/>, and unwraps compression (which gpg adds by
/// default, though our own artefacts never carry it).
/// </summary>
internal sealed class OpenedMessage : IDisposable
{
    private readonly IntegrityProtectedDecryptor _plaintext;

    private OpenedMessage(IntegrityProtectedDecryptor plaintext, Stream literalData)
    {
        _plaintext = plaintext;
        LiteralData = literalData;
    }

    public Stream LiteralData { get; }

    /// <summary>
    /// Call once the literal data has been read to its end: reads whatever follows it in the
    /// encrypted packet (a signature, in a signed message) and checks the MDC.
    /// </summary>
    /// <exception cref="ArtefactIntegrityException">The MDC is missing or does not match.</exception>
    public void VerifyIntegrity()
    {
        _plaintext.CopyTo(Stream.Null);
        if (!_plaintext.IsVerified)
            throw new ArtefactIntegrityException("the artefact is truncated or damaged: its integrity check (MDC) was never reached");
    }

    /// <summary>Releases the cipher and hash (the session key with them).</summary>
    public void Dispose() => _plaintext.Dispose();

    public static OpenedMessage Open(
        Stream input,
        IReadOnlyDictionary<long, PgpPrivateKey> privateKeys,
        Func<IReadOnlyList<long>, DecryptionKeyException> recipientMismatch)
    {
        var (sessions, encryptedPacket) = ReadHeader(input);
        // Zeroed on return: the cipher keeps its own, runtime-wiped copy until the message is disposed.
        using var sessionKey = RecoverSessionKey(sessions, privateKeys, recipientMismatch);
        var plaintext = new IntegrityProtectedDecryptor(encryptedPacket.GetInputStream(), sessionKey);
        try
        {
            return new OpenedMessage(plaintext, ReadLiteralData(plaintext));
        }
        catch
        {
            plaintext.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Artefacts arrive as non-seekable download streams, and PgpUtilities.GetDecoderStream
    /// needs to seek back after sniffing. Every binary OpenPGP packet starts with its high bit
    /// set, armour with a '-': one byte decides, and it is replayed in front of the rest.
    /// </summary>
    private static Stream BinaryOrArmoured(Stream input)
    {
        if (input.CanSeek) return PgpUtilities.GetDecoderStream(input);
        var first = input.ReadByte();
        if (first < 0) return Stream.Null;
        var replayed = new PrefixedReadStream((byte)first, input);
        return (first & 0x80) != 0 ? replayed : new ArmoredInputStream(replayed);
    }

    /// <summary>The session key packets, up to and including the start of the integrity-protected data packet.</summary>
    private static (List<PublicKeyEncSessionPacket>, SymmetricEncIntegrityPacket) ReadHeader(Stream input)
    {
        var sessions = new List<PublicKeyEncSessionPacket>();
        var passphraseSessions = 0;
        try
        {
            var packets = new BcpgInputStream(BinaryOrArmoured(input));
            while (true)
            {
                var tag = packets.NextPacketTag();
                if ((int)tag < 0)
                {
                    throw new ArtefactIntegrityException(sessions.Count == 0 && passphraseSessions == 0
                        ? "the artefact is empty or not an OpenPGP message"
                        : "the artefact is truncated: it ends before its encrypted data");
                }
                switch (tag)
                {
                    case PacketTag.Marker:
                        packets.ReadPacket();
                        break;
                    case PacketTag.PublicKeyEncryptedSession:
                        sessions.Add((PublicKeyEncSessionPacket)packets.ReadPacket());
                        break;
                    case PacketTag.SymmetricKeyEncryptedSessionKey:
                        passphraseSessions++;
                        packets.ReadPacket();
                        break;
                    case PacketTag.SymmetricEncryptedIntegrityProtected:
                        return (RequireRecipients(sessions, passphraseSessions), RequireVersion1((SymmetricEncIntegrityPacket)packets.ReadPacket()));
                    case PacketTag.SymmetricKeyEncrypted:
                        throw new ArtefactIntegrityException("the artefact is not integrity protected (no MDC), so tampering could not be detected; refusing to decrypt it");
                    default:
                        throw new ArtefactIntegrityException(sessions.Count == 0 && passphraseSessions == 0
                            ? $"the artefact is not an encrypted OpenPGP message (it starts with a {tag} packet)"
                            : $"the artefact holds a {tag} packet where encrypted data was expected; it was not made by LeoPass.Recovery or gpg 2.2");
                }
            }
        }
        // BouncyCastle reports unparseable packets with several types (IOException, PgpException,
        // UnsupportedPacketVersionException, …); all of them mean a damaged or foreign header.
        catch (Exception e) when (e is not ArtefactIntegrityException and not DecryptionKeyException and not OperationCanceledException)
        {
            throw new ArtefactIntegrityException("the artefact is not an OpenPGP message, or its header is damaged", e);
        }
    }

    private static List<PublicKeyEncSessionPacket> RequireRecipients(List<PublicKeyEncSessionPacket> sessions, int passphraseSessions) =>
        sessions.Count > 0 || passphraseSessions == 0
            ? sessions
            : throw new DecryptionKeyException("the artefact is encrypted with a passphrase, not to a public key; it was not made by LeoPass.Recovery");

    private static SymmetricEncIntegrityPacket RequireVersion1(SymmetricEncIntegrityPacket packet) =>
        packet.Version == SymmetricEncIntegrityPacket.Version1
            ? packet
            : throw new ArtefactIntegrityException(
                $"the artefact's encrypted data is version {packet.Version} (RFC 9580 AEAD); LeoPass.Recovery reads version 1, which its own artefacts and gpg 2.2 use");

    private static SessionKey RecoverSessionKey(
        List<PublicKeyEncSessionPacket> sessions,
        IReadOnlyDictionary<long, PgpPrivateKey> privateKeys,
        Func<IReadOnlyList<long>, DecryptionKeyException> recipientMismatch)
    {
        foreach (var session in sessions)
        {
            if (!privateKeys.TryGetValue(session.KeyId, out var key)) continue;
            if (!SessionKeyDecryption.Supports(session))
                throw new ArtefactIntegrityException(
                    $"the artefact's session key packet (version {session.Version}, {session.Algorithm}) is of a kind LeoPass.Recovery does not read (v3, RSA or ECDH)");
            return SessionKeyDecryption.TryDecrypt(session, key)
                ?? throw new ArtefactIntegrityException("the artefact's session key does not decrypt with the private key: the artefact is damaged");
        }

        // A hidden recipient (gpg --throw-keyids) has key id 0: the only way to know is to try,
        // and a packet for someone else, or of a kind we do not read, is simply not ours.
        foreach (var session in sessions.Where(s => s.KeyId == 0))
        {
            foreach (var key in privateKeys.Values)
            {
                try
                {
                    if (SessionKeyDecryption.TryDecrypt(session, key) is { } sessionKey) return sessionKey;
                }
                catch (ArtefactIntegrityException)
                {
                    // A wrong key whose garbage passed the 16-bit checksum and named a non-AES cipher.
                }
            }
        }
        throw recipientMismatch([.. sessions.Select(s => s.KeyId)]);
    }

    private static Stream ReadLiteralData(Stream clear)
    {
        try
        {
            var factory = new PgpObjectFactory(clear);
            var item = factory.NextPgpObject();
            if (item is PgpCompressedData compressed)
            {
                factory = new PgpObjectFactory(compressed.GetDataStream());
                item = factory.NextPgpObject();
            }
            // A signed message: we only need the data; signatures are not part of our format.
            if (item is PgpOnePassSignatureList) item = factory.NextPgpObject();

            return item is PgpLiteralData literal
                ? literal.GetInputStream()
                : throw new ArtefactIntegrityException($"the decrypted artefact holds {item?.GetType().Name ?? "nothing"} where literal data was expected: it is damaged");
        }
        catch (Exception e) when (e is IOException or PgpException)
        {
            throw new ArtefactIntegrityException("the decrypted artefact cannot be parsed: it is damaged or truncated", e);
        }
    }
}
