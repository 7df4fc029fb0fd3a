using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using LeoPass.Recovery.Backup.Encryption.SessionKeys;
using LeoPass.Recovery.Backup.Encryption.Symmetric;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The public key backups are encrypted to. Public-key only, so the backup host can write
/// backups it cannot read. Loading validates the key completely; a key that loads can encrypt.
/// </summary>
public sealed class OpenPgpRecipient
{
    public const string PublicKeySetting = "BACKUP_ENCRYPTION_PUBLIC_KEY";

    /// <summary>The literal-data file name used when the caller gives none.</summary>
    public const string DefaultLiteralFileName = "backup.dump";

    // Partial-length packets: memory stays bounded and the size need not be known up front.
    // The outer packet's are larger, so the output sees fewer, larger writes.
    private const int PacketBufferBytes = 1 << 16;
    private const int EncryptedPacketBufferBytes = 1 << 18;

    // SEIPD version 1: the MDC form every OpenPGP implementation reads (RFC 4880 §5.13).
    private const byte IntegrityProtectedPacketVersion = 1;

    private readonly PgpPublicKey _encryptionKey;

    private OpenPgpRecipient(PgpPublicKey primaryKey, PgpPublicKey encryptionKey, string keyPath, TimeProvider time)
    {
        _encryptionKey = encryptionKey;
        Fingerprint = KeyFormat.Fingerprint(primaryKey);
        EncryptionKeyId = KeyFormat.KeyId(encryptionKey.KeyId);
        EncryptionKeyFingerprint = KeyFormat.Fingerprint(encryptionKey);
        UserIds = [.. primaryKey.GetUserIds()];
        KeyPath = keyPath;
        _time = time;
    }

    private readonly TimeProvider _time;

    /// <summary>Fingerprint of the primary key, as <c>gpg --list-keys</c> prints it (40 hex digits, uppercase).</summary>
    public string Fingerprint { get; }

    /// <summary>Long key id of the (sub)key messages are actually encrypted to; <c>gpg --list-packets</c> shows it as "keyid".</summary>
    public string EncryptionKeyId { get; }

    public string EncryptionKeyFingerprint { get; }

    public IReadOnlyList<string> UserIds { get; }

    public string KeyPath { get; }

    /// <summary>
    /// Loads and validates the armoured public key at <paramref name="path"/>.
    /// </summary>
    /// <exception cref="EncryptionKeyException">The file is missing, unreadable, not a key, a private key,
    /// or holds no unrevoked, unexpired, encryption-capable (sub)key.</exception>
    public static OpenPgpRecipient Load(string path, string settingName = PublicKeySetting, TimeProvider? time = null)
    {
        Exception Refuse(string reason, Exception? inner = null) => new EncryptionKeyException(settingName, path, reason, inner);

        var objects = KeyFileReader.ReadObjects(path, Refuse);
        if (objects.OfType<PgpSecretKeyRing>().Any())
            throw Refuse("it is a private key; the backup host must hold only the public key (export it with 'gpg --armor --export <fingerprint>')");

        var rings = objects.OfType<PgpPublicKeyRing>().ToList();
        if (rings.Count == 0)
            throw Refuse($"the file holds OpenPGP data ({objects[0].GetType().Name}) but no public key");
        if (rings.Count > 1)
            throw Refuse($"the file holds {rings.Count} keys ({string.Join(", ", rings.Select(r => KeyFormat.Fingerprint(r.GetPublicKey())))}); give exactly one");

        var ring = rings[0];
        var rejections = new List<string>();
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var encryptionKey = EncryptionSubkeySelector.Select(ring, now, rejections)
            ?? throw Refuse(string.Join("; ", rejections));

        return new OpenPgpRecipient(ring.GetPublicKey(), encryptionKey, path, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Opens a write stream: everything written to it is encrypted to this key as one OpenPGP
    /// message (public-key encrypted session key, AES-256, integrity protected (SEIPD v1 + MDC),
    /// one binary literal data packet, no OpenPGP compression), written to <paramref name="output"/>
    /// in partial-length packets (64 KiB literal, 256 KiB encrypted), so the size need not be known and memory stays bounded.
    /// </summary>
    /// <param name="output">Receives the ciphertext. Written synchronously.</param>
    /// <param name="leaveOpen">When false, disposing the returned stream also disposes <paramref name="output"/>.</param>
    /// <param name="literalFileName">The file name recorded in the literal data packet (what <c>gpg --use-embedded-filename</c> would create).</param>
    /// <remarks>
    /// Disposing the returned stream writes the final packets (the MDC); a message that was not
    /// disposed is incomplete and will not decrypt. Disposal always finishes the message, so a
    /// caller whose input failed half-way must treat the output as failed, not as a shorter backup.
    /// </remarks>
    public Stream OpenEncryptingStream(Stream output, bool leaveOpen, string literalFileName = DefaultLiteralFileName)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite) throw new ArgumentException("the output stream is not writable", nameof(output));
        if (string.IsNullOrEmpty(literalFileName) || System.Text.Encoding.UTF8.GetByteCount(literalFileName) > 255)
            throw new ArgumentException("the literal file name must be 1 to 255 UTF-8 bytes", nameof(literalFileName));

        // The session key packet is BouncyCastle's maths; the bulk encryption is ours, on the platform's AES.
        // Disposed (zeroed) on return: by then the cipher holds its own, runtime-wiped copy.
        using var sessionKey = SessionKey.NewAes256();
        output.Write(SessionKeyEncryption.Encrypt(_encryptionKey, sessionKey, new SecureRandom()).GetEncoded());
        var packet = new BcpgOutputStream(output, PacketTag.SymmetricEncryptedIntegrityProtected, new byte[EncryptedPacketBufferBytes]);
        packet.WriteByte(IntegrityProtectedPacketVersion);
        var encrypted = new IntegrityProtectedEncryptor(packet, sessionKey);
        var literal = new PgpLiteralDataGenerator().Open(
            encrypted, PgpLiteralData.Binary, literalFileName, _time.GetUtcNow().UtcDateTime, new byte[PacketBufferBytes]);
        return new OpenPgpEncryptingStream(literal, encrypted, packet, output, leaveOpen);
    }
}
