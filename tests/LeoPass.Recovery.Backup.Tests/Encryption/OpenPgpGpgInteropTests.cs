using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>The promise behind the design: any responder can decrypt a backup with plain gpg, and gpg's keys work with us.</summary>
[Collection(OpenPgpKeysCollection.Name)]
public sealed class OpenPgpGpgInteropTests(OpenPgpKeysFixture keys) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("leopass-gpg-test");

    private string WorkFile(string name) => Path.Combine(_work.FullName, name);

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Gpg_decrypts_what_we_encrypt_to_a_protected_generated_key()
    {
        var plaintext = Plaintexts.Random(3 * 1024 * 1024 + 5);
        var recipient = OpenPgpRecipient.Load(keys.Protected.PublicKeyPath);
        await File.WriteAllBytesAsync(WorkFile("backup.pgp"), Plaintexts.Encrypt(recipient, plaintext));

        await keys.Gpg.DecryptAsync(WorkFile("backup.pgp"), WorkFile("backup.out"), OpenPgpKeysFixture.Passphrase);

        Assert.Equal(plaintext, await File.ReadAllBytesAsync(WorkFile("backup.out")));
    }

    [Fact]
    public async Task Gpg_decrypts_an_empty_message()
    {
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);
        await File.WriteAllBytesAsync(WorkFile("empty.pgp"), Plaintexts.Encrypt(recipient, []));

        await keys.Gpg.DecryptAsync(WorkFile("empty.pgp"), WorkFile("empty.out"));

        Assert.Empty(await File.ReadAllBytesAsync(WorkFile("empty.out")));
    }

    [Fact]
    public async Task Our_messages_are_aes256_with_mdc_and_without_compression()
    {
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);
        await File.WriteAllBytesAsync(WorkFile("small.pgp"), Plaintexts.Encrypt(recipient, Plaintexts.Random(200_000)));

        var packets = await keys.Gpg.RunAsync("--verbose", "--list-packets", "--pinentry-mode", "loopback", "--passphrase", "", WorkFile("small.pgp"));
        var listing = packets.StandardOutput + packets.StandardError;

        Assert.Contains($"keyid {recipient.EncryptionKeyId}", listing, StringComparison.Ordinal);
        Assert.Contains("mdc_method: 2", listing, StringComparison.Ordinal); // SEIPD v1 with MDC
        Assert.Contains("AES256", listing, StringComparison.Ordinal);
        Assert.Contains("literal data packet", listing, StringComparison.Ordinal);
        Assert.Contains("name=\"test.dump\"", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("compressed packet", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task We_decrypt_what_gpg_encrypts_to_our_generated_key()
    {
        var plaintext = Plaintexts.Random(2 * 1024 * 1024 + 3);
        await File.WriteAllBytesAsync(WorkFile("plain.bin"), plaintext);

        await keys.Gpg.EncryptAsync(WorkFile("plain.bin"), WorkFile("plain.bin.gpg"), keys.Protected.Fingerprint);

        var decryptor = OpenPgpDecryptor.Load(keys.Protected.PrivateKeyPath, OpenPgpKeysFixture.Passphrase);
        Assert.Equal(plaintext, Plaintexts.Decrypt(decryptor, await File.ReadAllBytesAsync(WorkFile("plain.bin.gpg"))));
    }

    [Fact]
    public async Task We_decrypt_armoured_gpg_output()
    {
        var plaintext = Plaintexts.Random(10_000);
        await File.WriteAllBytesAsync(WorkFile("plain.bin"), plaintext);

        await keys.Gpg.RunAsync("--yes", "--armor", "--trust-model", "always", "--recipient", keys.Unprotected.Fingerprint,
            "--output", WorkFile("plain.asc"), "--encrypt", WorkFile("plain.bin"));

        var decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);
        Assert.Equal(plaintext, Plaintexts.Decrypt(decryptor, await File.ReadAllBytesAsync(WorkFile("plain.asc"))));
    }

    [Fact]
    public async Task A_key_generated_by_gpg_works_for_encryption_and_decryption()
    {
        var recipient = OpenPgpRecipient.Load(keys.GpgPublicKeyPath);
        var decryptor = OpenPgpDecryptor.Load(keys.GpgPrivateKeyPath, passphrase: null);
        var plaintext = Plaintexts.Random(1024 * 1024);
        var ciphertext = Plaintexts.Encrypt(recipient, plaintext);
        await File.WriteAllBytesAsync(WorkFile("ours.pgp"), ciphertext);

        Assert.Equal(keys.GpgKeyFingerprint, recipient.Fingerprint);
        Assert.NotEqual(recipient.Fingerprint[^16..], recipient.EncryptionKeyId); // gpg's encryption subkey, not the signing primary
        Assert.Equal(plaintext, Plaintexts.Decrypt(decryptor, ciphertext));
        await keys.Gpg.DecryptAsync(WorkFile("ours.pgp"), WorkFile("ours.out"));
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(WorkFile("ours.out")));
    }

    [Fact]
    public async Task We_decrypt_gpg_output_for_a_hidden_recipient()
    {
        var plaintext = Plaintexts.Random(50_000);
        await File.WriteAllBytesAsync(WorkFile("plain.bin"), plaintext);

        // --hidden-recipient writes key id 0: the decryptor must try its keys, the gpg one (RSA) among them.
        await keys.Gpg.RunAsync("--yes", "--trust-model", "always", "--hidden-recipient", keys.GpgKeyFingerprint,
            "--output", WorkFile("hidden.pgp"), "--encrypt", WorkFile("plain.bin"));
        var packets = await keys.Gpg.RunAsync("--list-packets", "--try-all-secrets", WorkFile("hidden.pgp"));

        Assert.Contains("keyid 0000000000000000", packets.StandardOutput, StringComparison.Ordinal);
        var decryptor = OpenPgpDecryptor.Load(keys.GpgPrivateKeyPath, passphrase: null);
        Assert.Equal(plaintext, Plaintexts.Decrypt(decryptor, await File.ReadAllBytesAsync(WorkFile("hidden.pgp"))));
    }

    [Fact]
    public async Task A_curve25519_key_generated_by_gpg_works_both_ways()
    {
        var fingerprint = await keys.Gpg.GenerateKeyAsync("Curve Key <curve@leopass.local>", algorithm: "future-default");
        await keys.Gpg.ExportPublicAsync(fingerprint, WorkFile("curve-public.asc"));
        await keys.Gpg.ExportSecretAsync(fingerprint, WorkFile("curve-private.asc"));
        var recipient = OpenPgpRecipient.Load(WorkFile("curve-public.asc"));
        var decryptor = OpenPgpDecryptor.Load(WorkFile("curve-private.asc"), passphrase: null);
        var plaintext = Plaintexts.Random(700_001);
        await File.WriteAllBytesAsync(WorkFile("plain.bin"), plaintext);

        await File.WriteAllBytesAsync(WorkFile("ours.pgp"), Plaintexts.Encrypt(recipient, plaintext));
        await keys.Gpg.DecryptAsync(WorkFile("ours.pgp"), WorkFile("ours.out"));
        await keys.Gpg.EncryptAsync(WorkFile("plain.bin"), WorkFile("theirs.pgp"), fingerprint);
        var packets = await keys.Gpg.RunAsync("--list-packets", "--pinentry-mode", "loopback", "--passphrase", "", WorkFile("ours.pgp"));

        Assert.Contains("algo 18", packets.StandardOutput, StringComparison.Ordinal); // ECDH, not RSA
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(WorkFile("ours.out")));
        Assert.Equal(plaintext, Plaintexts.Decrypt(decryptor, await File.ReadAllBytesAsync(WorkFile("theirs.pgp"))));
    }

    [Fact]
    public async Task Generated_keys_are_signed_with_sha256_and_prefer_aes256()
    {
        var packets = await keys.Gpg.RunAsync("--list-packets", keys.Protected.PublicKeyPath);
        var listing = packets.StandardOutput;

        // "digest algo 8" is SHA-256; SHA-1 (2) self-signatures are refused by modern OpenPGP tools.
        Assert.Equal(2, CountOf(listing, "digest algo 8,"));
        Assert.DoesNotContain("digest algo 2,", listing, StringComparison.Ordinal);
        Assert.Contains("pref-sym-algos: 9", listing, StringComparison.Ordinal);
        Assert.Contains("pref-hash-algos: 8", listing, StringComparison.Ordinal);
        Assert.Contains("key flags: 0C", listing, StringComparison.Ordinal); // subkey: encrypt communications + storage
    }

    [Fact]
    public async Task Generated_private_key_is_protected_with_aes256_and_sha256_s2k()
    {
        var packets = await keys.Gpg.RunAsync("--list-packets", keys.Protected.PrivateKeyPath);

        // gpg prints "iter+salt S2K, algo: 9, SHA1 protection, hash: 8": AES-256 keyed from SHA-256.
        Assert.Equal(2, CountOf(packets.StandardOutput, "algo: 9, SHA1 protection, hash: 8"));
    }

    private static int CountOf(string text, string value) =>
        text.Split(value, StringSplitOptions.None).Length - 1;
}
