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

    public const string SigningPassphrase = "signing-passphrase-5583";

    private static readonly Lazy<GeneratedSigningKey> Signing = new(() =>
        OpenPgpKeyPairGenerator.GenerateSigningKey(Path.Combine(Directory.CreateTempSubdirectory("leopass-signing-").FullName, "keys"),
            new KeyPairGenerationOptions { UserId = KeyPairGenerationOptions.DefaultSigningUserId, Passphrase = SigningPassphrase }));

    private static readonly Lazy<GeneratedSigningKey> Intruder = new(() =>
        OpenPgpKeyPairGenerator.GenerateSigningKey(Path.Combine(Directory.CreateTempSubdirectory("leopass-intruder-").FullName, "keys"),
            new KeyPairGenerationOptions { UserId = "Intruder <intruder@example.invalid>" }));

    /// <summary>The backup host's manifest-signing key (protected by <see cref="SigningPassphrase"/>).</summary>
    public static GeneratedSigningKey SigningKey => Signing.Value;

    /// <summary>A signing key nobody trusts: what someone who can write to the bucket could sign with.</summary>
    public static GeneratedSigningKey IntruderKey => Intruder.Value;
}
