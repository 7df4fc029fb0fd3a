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

/// <summary>The files <see cref="OpenPgpKeyPairGenerator.GenerateSigningKey"/> wrote and the key they hold.</summary>
/// <param name="Fingerprint">Fingerprint of the signing key as gpg prints it (what BACKUP_TRUSTED_SIGNERS lists and manifests name).</param>
public sealed record GeneratedSigningKey(
    string Fingerprint,
    string UserId,
    string PublicKeyPath,
    string PrivateKeyPath,
    bool PassphraseProtected);
