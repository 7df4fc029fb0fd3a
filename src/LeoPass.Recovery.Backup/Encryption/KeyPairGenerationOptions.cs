namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>What <see cref="OpenPgpKeyPairGenerator"/> makes.</summary>
public sealed record KeyPairGenerationOptions
{
    public const string DefaultUserId = "LeoPass Recovery <backups@leopass.local>";
    public const string DefaultSigningUserId = "LeoPass Recovery signing <backups@leopass.local>";

    public string UserId { get; init; } = DefaultUserId;

    /// <summary>RSA modulus size of both keys: 3072 (default, gpg's own default) or 4096 (about 3× slower to generate).</summary>
    public int RsaBits { get; init; } = 3072;

    /// <summary>Protects the private key file when set; null or empty writes it unprotected.</summary>
    public string? Passphrase { get; init; }
}
