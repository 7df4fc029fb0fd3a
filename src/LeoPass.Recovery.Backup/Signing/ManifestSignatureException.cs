namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// A backup's manifest is not signed by a key in BACKUP_TRUSTED_SIGNERS (no signature, a signature
/// that does not verify, or one by another key): the backup is refused before anything is read.
/// </summary>
public sealed class ManifestSignatureException : BackupException
{
    public ManifestSignatureException() { }
    public ManifestSignatureException(string message) : base(message) { }
    public ManifestSignatureException(string message, Exception inner) : base(message, inner) { }
}
