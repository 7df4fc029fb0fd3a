using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Generates the backup key pair: an RSA primary key (certify + sign) and an RSA encryption
/// subkey, every self-signature hashed with SHA-256 (modern gpg rejects SHA-1 self-signatures),
/// preferring AES-256 and SHA-256, no expiry (an expired key would silently stop nightly backups).
/// </summary>
public static class OpenPgpKeyPairGenerator
{
    public const string PublicKeyFileName = "backup-public.asc";
    public const string PrivateKeyFileName = "backup-private.asc";
    public const string SigningPublicKeyFileName = "backup-signing-public.asc";
    public const string SigningPrivateKeyFileName = "backup-signing-private.asc";

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicFile = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The CLI's form: a user id and an optional passphrase, everything else default.</summary>
    /// <exception cref="IOException">Either file already exists; nothing is overwritten.</exception>
    public static GeneratedKeyPair Generate(string directory, string userId, string? passphrase) =>
        Generate(directory, new KeyPairGenerationOptions { UserId = userId, Passphrase = passphrase });

    /// <summary>
    /// Writes <c>&lt;directory&gt;/backup-public.asc</c> and <c>&lt;directory&gt;/backup-private.asc</c>
    /// (mode 0600; a missing directory is created with mode 0700).
    /// </summary>
    /// <exception cref="IOException">Either file already exists; nothing is overwritten.</exception>
    public static GeneratedKeyPair Generate(string directory, KeyPairGenerationOptions? options = null, TimeProvider? time = null)
    {
        options ??= new KeyPairGenerationOptions();
        var written = Write(directory, PublicKeyFileName, PrivateKeyFileName, options, time, withEncryptionSubkey: true);
        return new GeneratedKeyPair(written.Fingerprint, written.SubkeyId!, options.UserId, written.PublicPath, written.PrivatePath, written.IsProtected);
    }

    /// <summary>
    /// Writes <c>&lt;directory&gt;/backup-signing-public.asc</c> and <c>backup-signing-private.asc</c>:
    /// an RSA key that certifies and signs, and nothing else. Its secret part goes on the backup host
    /// (BACKUP_SIGNING_KEY), its public part wherever backups are read (BACKUP_TRUSTED_SIGNERS).
    /// It is a key of its own, not the encryption key pair's primary key: the backup host must never
    /// hold the private key that decrypts backups.
    /// </summary>
    /// <exception cref="IOException">Either file already exists; nothing is overwritten.</exception>
    public static GeneratedSigningKey GenerateSigningKey(string directory, KeyPairGenerationOptions? options = null, TimeProvider? time = null)
    {
        options ??= new KeyPairGenerationOptions { UserId = KeyPairGenerationOptions.DefaultSigningUserId };
        var written = Write(directory, SigningPublicKeyFileName, SigningPrivateKeyFileName, options, time, withEncryptionSubkey: false);
        return new GeneratedSigningKey(written.Fingerprint, options.UserId, written.PublicPath, written.PrivatePath, written.IsProtected);
    }

    private static (string Fingerprint, string? SubkeyId, string PublicPath, string PrivatePath, bool IsProtected) Write(
        string directory, string publicName, string privateName, KeyPairGenerationOptions options, TimeProvider? time, bool withEncryptionSubkey)
    {
        if (options.RsaBits is not (3072 or 4096))
            throw new ArgumentException($"RSA key size must be 3072 or 4096 bits, not {options.RsaBits}", nameof(options));
        if (string.IsNullOrWhiteSpace(options.UserId))
            throw new ArgumentException("the user id must not be empty", nameof(options));

        var publicPath = Path.GetFullPath(Path.Combine(directory, publicName));
        var privatePath = Path.GetFullPath(Path.Combine(directory, privateName));
        foreach (var path in new[] { publicPath, privatePath })
        {
            if (File.Exists(path))
                throw new IOException($"'{path}' already exists; refusing to overwrite a key (move it away or choose another directory)");
        }

        // OpenPGP stores whole seconds; keys and signatures share one instant so none predates its key.
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));

        var random = new SecureRandom();
        var primary = GenerateRsa(options.RsaBits, random, now);
        var subkey = withEncryptionSubkey ? GenerateRsa(options.RsaBits, random, now) : null;

        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, options.UserId,
            // Unprotected first (useSha1: false = the 2-byte sum gpg expects of an unprotected key);
            // SecretKeyProtection re-protects it with a SHA-256 S2K when a passphrase is given.
            SymmetricKeyAlgorithmTag.Null, HashAlgorithmTag.Sha256, rawPassPhrase: null, useSha1: false,
            PrimaryKeySubpackets(primary.PublicKey, now), null, random);
        if (subkey is not null) generator.AddSubKey(subkey, EncryptionSubkeySubpackets(primary.PublicKey, now), null, HashAlgorithmTag.Sha256);

        var publicRing = generator.GeneratePublicKeyRing();
        var secretRing = generator.GenerateSecretKeyRing();
        var isProtected = !string.IsNullOrEmpty(options.Passphrase);
        if (isProtected) secretRing = SecretKeyProtection.Protect(secretRing, options.Passphrase!, random);

        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        WriteArmoured(privatePath, OwnerOnlyFile, secretRing.Encode);
        try
        {
            WriteArmoured(publicPath, PublicFile, publicRing.Encode);
        }
        catch
        {
            // Never leave half a pair behind: a lone private key would block the next attempt.
            File.Delete(privatePath);
            throw;
        }

        return (KeyFormat.Fingerprint(primary.PublicKey), subkey is null ? null : KeyFormat.KeyId(subkey.KeyId), publicPath, privatePath, isProtected);
    }

    private static PgpKeyPair GenerateRsa(int bits, SecureRandom random, DateTime created)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, bits, certainty: 100));
        return new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created);
    }

    private static PgpSignatureSubpacketVector PrimaryKeySubpackets(PgpPublicKey primary, DateTime now)
    {
        var packets = new PgpSignatureSubpacketGenerator();
        packets.SetSignatureCreationTime(false, now);
        packets.SetIssuerFingerprint(false, primary);
        packets.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
        packets.SetPreferredSymmetricAlgorithms(false,
            [(int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes192, (int)SymmetricKeyAlgorithmTag.Aes128]);
        packets.SetPreferredHashAlgorithms(false,
            [(int)HashAlgorithmTag.Sha256, (int)HashAlgorithmTag.Sha384, (int)HashAlgorithmTag.Sha512]);
        packets.SetPreferredCompressionAlgorithms(false,
            [(int)CompressionAlgorithmTag.Uncompressed, (int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.ZLib]);
        packets.SetFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        packets.SetPrimaryUserId(false, true);
        return packets.Generate();
    }

    private static PgpSignatureSubpacketVector EncryptionSubkeySubpackets(PgpPublicKey primary, DateTime now)
    {
        var packets = new PgpSignatureSubpacketGenerator();
        packets.SetSignatureCreationTime(false, now);
        packets.SetIssuerFingerprint(false, primary);
        packets.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
        return packets.Generate();
    }

    private static void WriteArmoured(string path, UnixFileMode mode, Action<Stream> encode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using var file = new FileStream(path, options);
        using (var armour = new ArmoredOutputStream(file))
        {
            encode(armour);
        }
        file.Flush(flushToDisk: true);
    }
}
