using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Encryption;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// Signs manifests with the backup host's signing key (BACKUP_SIGNING_KEY): a detached,
/// ASCII-armoured OpenPGP signature over the manifest's exact bytes (SHA-256, binary document),
/// which <c>gpg --verify &lt;key&gt;.manifest.json.sig &lt;key&gt;.manifest.json</c> checks. The
/// manifest carries the artefact's SHA-256, so the signature vouches for the artefact too.
/// </summary>
/// <remarks>
/// Loaded once per backup, before pg_dump starts (a bad key fails in a second), and dropped with
/// the backup: the unlocked key lives in memory for one backup's duration only.
/// </remarks>
public sealed class ManifestSigner
{
    public const string KeySetting = "BACKUP_SIGNING_KEY";
    public const string PassphraseSetting = "BACKUP_SIGNING_PASSPHRASE";

    private readonly PgpPrivateKey _privateKey;
    private readonly PgpPublicKey _publicKey;

    private ManifestSigner(PgpPrivateKey privateKey, PgpPublicKey publicKey, string fingerprint)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
        Fingerprint = fingerprint;
    }

    /// <summary>Fingerprint of the signing key's primary key, as gpg prints it.</summary>
    public string Fingerprint { get; }

    /// <summary>Long key id of the (sub)key that makes the signatures.</summary>
    public string SigningKeyId => KeyFormat.KeyId(_publicKey.KeyId);

    /// <exception cref="SigningKeyException">The file is not a usable secret signing key, or the passphrase does not unlock it.</exception>
    public static ManifestSigner Load(string path, string? passphrase)
    {
        Exception Refuse(string reason, Exception? inner = null) => inner is null
            ? new SigningKeyException($"{KeySetting} '{path}' cannot sign manifests: {reason}")
            : new SigningKeyException($"{KeySetting} '{path}' cannot sign manifests: {reason}", inner);

        var objects = KeyFileReader.ReadObjects(path, Refuse);
        var ring = objects.OfType<PgpSecretKeyRing>().FirstOrDefault() ?? throw (objects.OfType<PgpPublicKeyRing>().Any()
            ? Refuse("it is a public key; the backup host needs the signing key's secret part (`leopass-recovery keys generate --signing`)")
            : Refuse("the file holds no OpenPGP secret key"));
        if (objects.OfType<PgpSecretKeyRing>().Count() > 1) throw Refuse("the file holds more than one key; give exactly one");

        var primary = ring.GetPublicKey();
        var usable = ring.GetSecretKeys()
            .Where(k => !k.IsPrivateKeyEmpty && SigningCapability.CanSign(primary, k.PublicKey))
            // A signing subkey is preferred to the primary key, as gpg does.
            .OrderBy(k => k.IsMasterKey ? 1 : 0).ThenByDescending(k => k.PublicKey.CreationTime)
            .FirstOrDefault() ?? throw Refuse("it holds no unrevoked key that may sign (or only gpg stubs without the secret parts)");

        var isProtected = usable.KeyEncryptionAlgorithm != SymmetricKeyAlgorithmTag.Null;
        if (isProtected && string.IsNullOrEmpty(passphrase)) throw Refuse($"the key is protected by a passphrase, but {PassphraseSetting} is not set");
        var characters = isProtected ? passphrase!.ToCharArray() : null;
        try
        {
            return new ManifestSigner(usable.ExtractPrivateKeyUtf8(characters), usable.PublicKey, KeyFormat.Fingerprint(primary));
        }
        catch (PgpException e)
        {
            throw Refuse($"the passphrase in {PassphraseSetting} does not unlock it", e);
        }
        finally
        {
            if (characters is not null) CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(characters.AsSpan()));
        }
    }

    /// <summary>A detached, ASCII-armoured signature of <paramref name="manifest"/> made at <paramref name="now"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> manifest, DateTimeOffset now)
    {
        var generator = new PgpSignatureGenerator(_publicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, _privateKey, new SecureRandom());
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, now.UtcDateTime);
        subpackets.SetIssuerFingerprint(false, _publicKey);
        generator.SetHashedSubpackets(subpackets.Generate());
        generator.Update(manifest);
        var signature = generator.Generate();

        using var output = new MemoryStream();
        using (var armour = new ArmoredOutputStream(output))
        {
            signature.Encode(armour);
        }
        return output.ToArray();
    }
}
