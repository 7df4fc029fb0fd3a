namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The public key a backup is encrypted to cannot be used. Raised before any data is written,
/// so a misconfigured key stops a backup before <c>pg_dump</c> starts.
/// </summary>
public sealed class EncryptionKeyException : Exception
{
    public EncryptionKeyException(string settingName, string path, string reason, Exception? inner = null)
        : base($"{settingName} '{path}' holds no key usable for encryption: {reason}", inner)
    {
        SettingName = settingName;
        KeyPath = path;
        Reason = reason;
    }

    public EncryptionKeyException() : base("no key usable for encryption") { SettingName = KeyPath = Reason = ""; }

    public EncryptionKeyException(string message) : base(message) { SettingName = KeyPath = ""; Reason = message; }

    public EncryptionKeyException(string message, Exception inner) : base(message, inner) { SettingName = KeyPath = ""; Reason = message; }

    /// <summary>The configuration setting that named the key file (e.g. BACKUP_ENCRYPTION_PUBLIC_KEY).</summary>
    public string SettingName { get; }

    public string KeyPath { get; }

    /// <summary>Why the key was refused, without the setting/path prefix.</summary>
    public string Reason { get; }
}
