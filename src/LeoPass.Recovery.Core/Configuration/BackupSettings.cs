namespace LeoPass.Recovery.Core.Configuration;

/// <summary>How backups are made, kept and read back.</summary>
public sealed record BackupSettings
{
    public int RetentionDays { get; init; } = 30;
    public CompressionKind Compression { get; init; } = CompressionKind.Zstd;

    /// <summary>
    /// zstd level when <see cref="Compression"/> is zstd. 2, not zstd's own 3: on dump-like data
    /// level 2 took about half the CPU of level 3 for output within 1 % of it (docs/benchmarks.md).
    /// </summary>
    public int ZstdLevel { get; init; } = DefaultZstdLevel;

    public const int DefaultZstdLevel = 2;
    public string? EncryptionPublicKeyPath { get; init; }
    public string? DecryptionPrivateKeyPath { get; init; }
    public string? DecryptionPassphrase { get; init; }

    /// <summary>BACKUP_SIGNING_KEY: the backup host's OpenPGP secret key that signs every manifest; null signs nothing.</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>BACKUP_SIGNING_PASSPHRASE: unlocks a protected <see cref="SigningKeyPath"/> (secret).</summary>
    public string? SigningPassphrase { get; init; }

    /// <summary>
    /// BACKUP_TRUSTED_SIGNERS: a file of ASCII-armoured OpenPGP public keys. When set, verify,
    /// restore and drills refuse a backup whose manifest is not signed by one of them.
    /// </summary>
    public string? TrustedSignersPath { get; init; }
    public string Cron { get; init; } = "0 2 * * *";
    public string TimeZone { get; init; } = "UTC";

    /// <summary>
    /// BACKUP_DURATION_WARN: a dump that takes longer is alerted (the seed's troubleshooting names
    /// dumps over 30 minutes); so is one more than 50 % over the median of the last 14 days.
    /// </summary>
    public TimeSpan DurationWarn { get; init; } = DefaultDurationWarn;

    public static readonly TimeSpan DefaultDurationWarn = TimeSpan.FromMinutes(30);

    /// <summary>The public key path, or a ConfigurationException saying how to get one.</summary>
    public string RequirePublicKey() => EncryptionPublicKeyPath ?? throw new ConfigurationException(
        "BACKUP_ENCRYPTION_PUBLIC_KEY is not set: backups are encrypted to an OpenPGP public key. Set it to the path of an ASCII-armoured public key (create a pair with `leopass-recovery keys generate --out DIR`).");

    public string RequirePrivateKey() => DecryptionPrivateKeyPath ?? throw new ConfigurationException(
        "BACKUP_DECRYPTION_PRIVATE_KEY is not set: reading a backup back needs the OpenPGP private key. Set it to the path of the ASCII-armoured private key (and BACKUP_DECRYPTION_PASSPHRASE if it is protected).");

    internal static BackupSettings Read(EnvironmentReader env) => new()
    {
        RetentionDays = env.Integer("BACKUP_RETENTION_DAYS", 30, 1, 3650),
        Compression = env.Choice("BACKUP_COMPRESSION", CompressionKind.Zstd, new Dictionary<string, CompressionKind>
        {
            ["zstd"] = CompressionKind.Zstd,
            ["gzip"] = CompressionKind.Gzip,
            ["none"] = CompressionKind.None,
        }),
        ZstdLevel = env.Integer("BACKUP_ZSTD_LEVEL", DefaultZstdLevel, 1, 19),
        EncryptionPublicKeyPath = env.ExistingFile("BACKUP_ENCRYPTION_PUBLIC_KEY"),
        DecryptionPrivateKeyPath = env.ExistingFile("BACKUP_DECRYPTION_PRIVATE_KEY"),
        DecryptionPassphrase = env.Text("BACKUP_DECRYPTION_PASSPHRASE"),
        SigningKeyPath = env.ExistingFile("BACKUP_SIGNING_KEY"),
        SigningPassphrase = env.Text("BACKUP_SIGNING_PASSPHRASE"),
        TrustedSignersPath = env.ExistingFile("BACKUP_TRUSTED_SIGNERS"),
        Cron = env.Text("BACKUP_CRON") ?? "0 2 * * *",
        TimeZone = ReadTimeZone(env),
        DurationWarn = env.Duration("BACKUP_DURATION_WARN", DefaultDurationWarn, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
    };

    private static string ReadTimeZone(EnvironmentReader env)
    {
        var text = env.Text("BACKUP_TZ") ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(text, out _))
        {
            env.AddProblem($"BACKUP_TZ='{text}' is not valid: expected an IANA time zone such as UTC or Europe/Paris.");
            return "UTC";
        }
        return text;
    }
}
