using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Decrypts artefacts with the private key. The key is unlocked when loaded, so a wrong or
/// missing passphrase is reported before any download starts. No message ever contains the passphrase.
/// </summary>
public sealed class OpenPgpDecryptor
{
    public const string PrivateKeySetting = "BACKUP_DECRYPTION_PRIVATE_KEY";
    public const string PassphraseSetting = "BACKUP_DECRYPTION_PASSPHRASE";

    private readonly IReadOnlyDictionary<long, PgpPrivateKey> _privateKeys;
    private readonly string _settingName;

    private OpenPgpDecryptor(IReadOnlyDictionary<long, PgpPrivateKey> privateKeys, string fingerprint, string settingName)
    {
        _privateKeys = privateKeys;
        _settingName = settingName;
        Fingerprint = fingerprint;
        KeyIds = [.. privateKeys.Keys.Select(KeyFormat.KeyId)];
    }

    /// <summary>Fingerprint of the primary key, as gpg prints it.</summary>
    public string Fingerprint { get; }

    /// <summary>Long key ids of the (sub)keys this decryptor can decrypt for.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>Loads the armoured private key at <paramref name="path"/> and unlocks its decryption (sub)keys.</summary>
    /// <param name="passphrase">Unlocks a protected key; ignored for an unprotected one.</param>
    /// <exception cref="DecryptionKeyException">Missing or unreadable file, not a private key, secret parts
    /// absent (a gpg stub), missing or wrong passphrase.</exception>
    public static OpenPgpDecryptor Load(string path, string? passphrase, string settingName = PrivateKeySetting, string passphraseSettingName = PassphraseSetting)
    {
        Exception Refuse(string reason, Exception? inner = null) =>
            inner is null
                ? new DecryptionKeyException($"{settingName} '{path}' cannot decrypt: {reason}")
                : new DecryptionKeyException($"{settingName} '{path}' cannot decrypt: {reason}", inner);

        var objects = KeyFileReader.ReadObjects(path, Refuse);
        var rings = objects.OfType<PgpSecretKeyRing>().ToList();
        if (rings.Count == 0)
        {
            throw objects.OfType<PgpPublicKeyRing>().Any()
                ? Refuse("it is a public key, not a private key (export the private key with 'gpg --armor --export-secret-keys <fingerprint>')")
                : Refuse($"the file holds OpenPGP data ({objects[0].GetType().Name}) but no private key");
        }

        var privateKeys = new Dictionary<long, PgpPrivateKey>();
        var stubs = new List<string>();
        foreach (var secretKey in rings.SelectMany(ring => ring.GetSecretKeys()).Where(key => key.PublicKey.IsEncryptionKey))
        {
            if (secretKey.IsPrivateKeyEmpty)
            {
                stubs.Add(KeyFormat.KeyId(secretKey.KeyId));
                continue;
            }
            privateKeys[secretKey.KeyId] = Unlock(secretKey, passphrase, passphraseSettingName, Refuse);
        }

        if (privateKeys.Count == 0)
        {
            throw stubs.Count > 0
                ? Refuse($"the secret parts of {string.Join(", ", stubs)} are not in the file (a gpg stub: the key lives offline or on a smartcard)")
                : Refuse("it holds no key that can decrypt (only signing keys)");
        }
        return new OpenPgpDecryptor(privateKeys, KeyFormat.Fingerprint(rings[0].GetPublicKey()), settingName);
    }

    private static PgpPrivateKey Unlock(PgpSecretKey secretKey, string? passphrase, string passphraseSettingName, Func<string, Exception?, Exception> refuse)
    {
        var keyId = KeyFormat.KeyId(secretKey.KeyId);
        var isProtected = secretKey.KeyEncryptionAlgorithm != Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Null;
        if (isProtected && string.IsNullOrEmpty(passphrase))
            throw refuse($"the private key {keyId} is protected by a passphrase, but {passphraseSettingName} is not set", null);

        var characters = isProtected ? passphrase!.ToCharArray() : null;
        try
        {
            // gpg hashes the passphrase's UTF-8 bytes; so must we, or non-ASCII passphrases would differ.
            return secretKey.ExtractPrivateKeyUtf8(characters);
        }
        catch (PgpException e)
        {
            // A wrong passphrase shows up as a checksum mismatch or unparseable key material. The inner
            // exception is kept for diagnosis; BouncyCastle never puts the passphrase in its messages.
            throw refuse($"the passphrase in {passphraseSettingName} does not unlock the private key {keyId}", e);
        }
        finally
        {
            if (characters is not null) CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(characters.AsSpan()));
        }
    }

    /// <summary>
    /// Opens a read stream of the plaintext of the OpenPGP message in <paramref name="input"/>
    /// (binary or armoured), decrypting as it is read with bounded memory.
    /// </summary>
    /// <param name="leaveOpen">When false, disposing the returned stream also disposes <paramref name="input"/>.</param>
    /// <remarks>
    /// The integrity check (MDC) can only happen at the end: the stream throws
    /// <see cref="ArtefactIntegrityException"/> from the read that reaches the end if the message was
    /// modified or truncated. Plaintext read before that is unverified: read to the end (until
    /// <c>Read</c> returns 0) before trusting or using any of it. Reads are synchronous.
    /// </remarks>
    /// <exception cref="DecryptionKeyException">The message is encrypted to another key.</exception>
    /// <exception cref="ArtefactIntegrityException">The input is not an integrity-protected OpenPGP message, or is damaged.</exception>
    public Stream OpenDecryptingStream(Stream input, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(input);
        var opened = false;
        try
        {
            var stream = OpenedMessage.Open(input, _privateKeys, RecipientMismatch);
            opened = true;
            return new OpenPgpDecryptingStream(stream, input, leaveOpen);
        }
        finally
        {
            if (!opened && !leaveOpen) input.Dispose();
        }
    }

    private DecryptionKeyException RecipientMismatch(IReadOnlyList<long> recipients) =>
        new($"the artefact is encrypted to key {string.Join(", ", recipients.Select(KeyFormat.KeyId))}, " +
            $"but {_settingName} holds {string.Join(", ", KeyIds)} (primary {Fingerprint})");
}
