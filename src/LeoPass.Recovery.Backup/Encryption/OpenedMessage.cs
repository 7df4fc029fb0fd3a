using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Walks an OpenPGP message's packets up to the literal data: picks the session key packet for
/// one of our keys, refuses data without integrity protection, and unwraps compression (which
/// gpg adds by default, though our own artefacts never carry it).
/// </summary>
internal sealed class OpenedMessage
{
    private OpenedMessage(PgpPublicKeyEncryptedData encryptedData, Stream literalData)
    {
        EncryptedData = encryptedData;
        LiteralData = literalData;
    }

    /// <summary>Verifies the MDC once the literal data has been read to its end.</summary>
    public PgpPublicKeyEncryptedData EncryptedData { get; }

    public Stream LiteralData { get; }

    public static OpenedMessage Open(
        Stream input,
        IReadOnlyDictionary<long, PgpPrivateKey> privateKeys,
        Func<IReadOnlyList<long>, DecryptionKeyException> recipientMismatch)
    {
        var encryptedDataList = ReadEncryptedDataList(input);
        var sessions = encryptedDataList.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().ToList();
        if (sessions.Count == 0)
            throw new DecryptionKeyException("the artefact is encrypted with a passphrase, not to a public key; it was not made by LeoPass.Recovery");

        var (session, privateKey) = PickSession(sessions, privateKeys, recipientMismatch);
        if (!session.IsIntegrityProtected())
            throw new ArtefactIntegrityException("the artefact is not integrity protected (no MDC), so tampering could not be detected; refusing to decrypt it");

        Stream clear;
        try
        {
            clear = session.GetDataStream(privateKey);
        }
        catch (Exception e) when (e is PgpException or IOException)
        {
            throw new ArtefactIntegrityException("the artefact's session key does not decrypt with the private key: the artefact is damaged", e);
        }
        return new OpenedMessage(session, ReadLiteralData(clear));
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
        return (first & 0x80) != 0 ? replayed : new Org.BouncyCastle.Bcpg.ArmoredInputStream(replayed);
    }

    private static PgpEncryptedDataList ReadEncryptedDataList(Stream input)
    {
        object? first;
        try
        {
            var factory = new PgpObjectFactory(BinaryOrArmoured(input));
            do first = factory.NextPgpObject(); while (first is PgpMarker);
        }
        catch (Exception e) when (e is IOException or PgpException)
        {
            throw new ArtefactIntegrityException("the artefact is not an OpenPGP message, or its header is damaged", e);
        }
        return first as PgpEncryptedDataList
            ?? throw new ArtefactIntegrityException(first is null
                ? "the artefact is empty or not an OpenPGP message"
                : $"the artefact is not an encrypted OpenPGP message (it starts with {first.GetType().Name})");
    }

    private static (PgpPublicKeyEncryptedData, PgpPrivateKey) PickSession(
        List<PgpPublicKeyEncryptedData> sessions,
        IReadOnlyDictionary<long, PgpPrivateKey> privateKeys,
        Func<IReadOnlyList<long>, DecryptionKeyException> recipientMismatch)
    {
        foreach (var session in sessions)
        {
            if (privateKeys.TryGetValue(session.KeyId, out var key)) return (session, key);
        }

        // A hidden recipient (gpg --throw-keyids) has key id 0: the only way to know is to try.
        foreach (var session in sessions.Where(s => s.KeyId == 0))
        {
            foreach (var key in privateKeys.Values)
            {
                try
                {
                    session.GetSymmetricAlgorithm(key);
                    return (session, key);
                }
                catch (PgpException)
                {
                    // Not this key; try the next.
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
