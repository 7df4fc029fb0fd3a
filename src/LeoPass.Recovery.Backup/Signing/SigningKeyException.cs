namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// BACKUP_SIGNING_KEY or BACKUP_TRUSTED_SIGNERS cannot be used (missing file, not a key, wrong
/// passphrase, no key that can sign). Raised before a backup starts or a backup is read.
/// Messages never contain the passphrase.
/// </summary>
public sealed class SigningKeyException : Exception
{
    public SigningKeyException() { }
    public SigningKeyException(string message) : base(message) { }
    public SigningKeyException(string message, Exception inner) : base(message, inner) { }
}
