using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>Every way a key can be wrong gives an error that names the setting, the file and the cause.</summary>
[Collection(OpenPgpKeysCollection.Name)]
public sealed class OpenPgpKeyErrorTests(OpenPgpKeysFixture keys) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("leopass-key-errors");

    public void Dispose() => _work.Delete(recursive: true);

    private string WorkFile(string name, string? content = null)
    {
        var path = Path.Combine(_work.FullName, name);
        if (content is not null) File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Recipient_refuses_a_missing_file()
    {
        var path = WorkFile("missing.asc");

        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(path));

        Assert.Equal($"BACKUP_ENCRYPTION_PUBLIC_KEY '{path}' holds no key usable for encryption: the file does not exist", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello, this is not a key\n")]
    [InlineData("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n")]
    public void Recipient_refuses_a_file_that_is_not_a_key(string content)
    {
        var path = WorkFile("garbage.asc", content);

        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(path));

        Assert.StartsWith($"BACKUP_ENCRYPTION_PUBLIC_KEY '{path}' holds no key usable for encryption: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipient_refuses_binary_garbage()
    {
        var path = WorkFile("random.bin");
        File.WriteAllBytes(path, Plaintexts.Random(4096));

        Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(path));
    }

    [Fact]
    public void Recipient_refuses_a_private_key()
    {
        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(keys.Unprotected.PrivateKeyPath));

        Assert.Contains("it is a private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipient_refuses_a_revoked_key()
    {
        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(keys.GpgRevokedPublicKeyPath));

        Assert.Contains($"the key {keys.GpgKeyFingerprint} is revoked", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipient_refuses_an_expired_key()
    {
        var later = new FixedTime(DateTimeOffset.UtcNow + OpenPgpKeysFixture.GpgKeyLifetime + TimeSpan.FromDays(30));

        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(keys.GpgPublicKeyPath, time: later));

        Assert.Contains($"the key {keys.GpgKeyFingerprint} expired on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipient_refuses_a_key_without_an_encryption_subkey()
    {
        // Keep only the primary key packet and its user id + self-signature: a sign-only key.
        var ring = Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing.RemovePublicKey(
            ReadRing(keys.Unprotected.PublicKeyPath),
            ReadRing(keys.Unprotected.PublicKeyPath).GetPublicKeys().Last())!;
        var path = WorkFile("sign-only.asc");
        using (var file = File.Create(path))
        using (var armour = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(file))
        {
            ring.Encode(armour);
        }

        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(path));

        Assert.Contains("is not flagged for encryption", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recipient_refuses_a_file_with_two_keys()
    {
        var path = WorkFile("two.asc", File.ReadAllText(keys.Protected.PublicKeyPath) + File.ReadAllText(keys.Unprotected.PublicKeyPath));

        var error = Assert.Throws<EncryptionKeyException>(() => OpenPgpRecipient.Load(path));

        Assert.Contains("holds 2 keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decryptor_refuses_a_public_key()
    {
        var error = Assert.Throws<DecryptionKeyException>(() => OpenPgpDecryptor.Load(keys.Unprotected.PublicKeyPath, passphrase: null));

        Assert.Contains("BACKUP_DECRYPTION_PRIVATE_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("it is a public key, not a private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decryptor_refuses_a_missing_file()
    {
        var error = Assert.Throws<DecryptionKeyException>(() => OpenPgpDecryptor.Load(WorkFile("none.asc"), passphrase: null));

        Assert.Contains("the file does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decryptor_reports_a_wrong_passphrase_without_revealing_it()
    {
        const string wrong = "Tr0ub4dor&3-wrong-passphrase";

        var error = Assert.Throws<DecryptionKeyException>(() => OpenPgpDecryptor.Load(keys.Protected.PrivateKeyPath, wrong));

        Assert.Contains("the passphrase in BACKUP_DECRYPTION_PASSPHRASE does not unlock the private key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(OpenPgpKeysFixture.Passphrase, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decryptor_requires_a_passphrase_for_a_protected_key()
    {
        var error = Assert.Throws<DecryptionKeyException>(() => OpenPgpDecryptor.Load(keys.Protected.PrivateKeyPath, passphrase: null));

        Assert.Contains("is protected by a passphrase, but BACKUP_DECRYPTION_PASSPHRASE is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decryptor_ignores_a_passphrase_for_an_unprotected_key()
    {
        var decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, "not needed");

        Assert.Equal(keys.Unprotected.Fingerprint, decryptor.Fingerprint);
    }

    [Fact]
    public void Decrypt_with_the_wrong_private_key_names_both_keys()
    {
        var ciphertext = Plaintexts.Encrypt(OpenPgpRecipient.Load(keys.Protected.PublicKeyPath), [1, 2, 3]);
        var wrongKey = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);

        var error = Assert.Throws<DecryptionKeyException>(() => Plaintexts.Decrypt(wrongKey, ciphertext));

        Assert.StartsWith(
            $"the artefact is encrypted to key {keys.Protected.EncryptionKeyId}, but BACKUP_DECRYPTION_PRIVATE_KEY holds ",
            error.Message, StringComparison.Ordinal);
        Assert.Contains(keys.Unprotected.EncryptionKeyId, error.Message, StringComparison.Ordinal);
    }

    private static Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing ReadRing(string path)
    {
        using var input = Org.BouncyCastle.Bcpg.OpenPgp.PgpUtilities.GetDecoderStream(File.OpenRead(path));
        return new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing(input);
    }
}
