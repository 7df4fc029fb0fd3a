using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

/// <summary>One passphrase-protected key pair for the whole test run: RSA generation is slow on two cores.</summary>
public static class TestKeys
{
    public const string Passphrase = "correct-horse-battery-staple";

    private static readonly Lazy<GeneratedKeyPair> Pair = new(() =>
        OpenPgpKeyPairGenerator.Generate(Path.Combine(Directory.CreateTempSubdirectory("leopass-keys-").FullName, "keys"),
            new KeyPairGenerationOptions { Passphrase = Passphrase }));

    public static GeneratedKeyPair Shared => Pair.Value;
}
