namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>The files <see cref="OpenPgpKeyPairGenerator"/> wrote and the key they hold.</summary>
/// <param name="Fingerprint">Primary key fingerprint as gpg prints it.</param>
/// <param name="EncryptionKeyId">Long key id of the encryption subkey (what encrypted artefacts name).</param>
public sealed record GeneratedKeyPair(
    string Fingerprint,
    string EncryptionKeyId,
    string UserId,
    string PublicKeyPath,
    string PrivateKeyPath,
    bool PassphraseProtected);
