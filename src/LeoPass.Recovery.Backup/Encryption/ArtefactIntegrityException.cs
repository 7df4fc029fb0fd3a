namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// The ciphertext is damaged: modified, truncated, not integrity protected, or not OpenPGP at all.
/// Thrown instead of ever returning a silently shorter or altered plaintext.
/// </summary>
public sealed class ArtefactIntegrityException : Exception
{
    public ArtefactIntegrityException() { }

    public ArtefactIntegrityException(string message) : base(message) { }

    public ArtefactIntegrityException(string message, Exception inner) : base(message, inner) { }
}
