namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The private key (or its passphrase) cannot decrypt: missing file, not a private key, wrong or
/// missing passphrase, or a key that is not the one the artefact was encrypted to.
/// Messages never contain the passphrase.
/// </summary>
public sealed class DecryptionKeyException : Exception
{
    public DecryptionKeyException() { }

    public DecryptionKeyException(string message) : base(message) { }

    public DecryptionKeyException(string message, Exception inner) : base(message, inner) { }
}
