using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

[Collection(OpenPgpKeysCollection.Name)]
public sealed class OpenPgpKeyPairGeneratorTests(OpenPgpKeysFixture keys)
{
    [Fact]
    public void Generated_files_are_private_to_their_owner()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("file modes are checked on Linux, where the product runs");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys.Protected.PrivateKeyPath));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(keys.Protected.PrivateKeyPath)!));
        Assert.StartsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----", File.ReadAllText(keys.Protected.PrivateKeyPath), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", File.ReadAllText(keys.Protected.PublicKeyPath), StringComparison.Ordinal);
        Assert.True(keys.Protected.PassphraseProtected);
        Assert.False(keys.Unprotected.PassphraseProtected);
    }

    [Fact]
    public void Generate_refuses_to_overwrite_an_existing_key()
    {
        var directory = Path.GetDirectoryName(keys.Unprotected.PrivateKeyPath)!;
        var before = File.ReadAllText(keys.Unprotected.PrivateKeyPath);

        var error = Assert.Throws<IOException>(() => OpenPgpKeyPairGenerator.Generate(directory));

        Assert.Contains("already exists; refusing to overwrite", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(keys.Unprotected.PrivateKeyPath));
    }

    [Fact]
    public void Generate_refuses_a_key_size_gpg_would_call_weak()
    {
        Assert.Throws<ArgumentException>(() =>
            OpenPgpKeyPairGenerator.Generate(Path.Combine(keys.Directory, "weak"), new KeyPairGenerationOptions { RsaBits = 1024 }));
    }

    [Fact]
    public async Task Gpg_lists_the_generated_key_with_the_reported_fingerprint()
    {
        var listing = await keys.Gpg.RunAsync("--with-colons", "--list-secret-keys", keys.Protected.Fingerprint);

        Assert.Contains($"fpr:::::::::{keys.Protected.Fingerprint}:", listing.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(KeyPairGenerationOptions.DefaultUserId, listing.StandardOutput, StringComparison.Ordinal);
    }
}
