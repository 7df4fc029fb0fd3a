using System.Reflection;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Signing;

namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>
/// The keys a writer of artefacts holds: the backup public key everything is encrypted to and,
/// with BACKUP_SIGNING_KEY, the key that signs manifests. Loaded once before the work starts,
/// so a bad key fails in a second, not after the first segment or an hour of pg_basebackup.
/// </summary>
public sealed record ArtefactKeys(OpenPgpRecipient Recipient, ManifestSigner? Signer)
{
    /// <exception cref="BackupException">A key cannot be used (stage "prepare").</exception>
    public static ArtefactKeys Load(BackupSettings settings, TimeProvider clock)
    {
        try
        {
            var recipient = OpenPgpRecipient.Load(settings.RequirePublicKey(), time: clock);
            var signer = settings.SigningKeyPath is { } path ? ManifestSigner.Load(path, settings.SigningPassphrase) : null;
            return new ArtefactKeys(recipient, signer);
        }
        catch (Exception e) when (e is EncryptionKeyException or SigningKeyException or ConfigurationException)
        {
            throw new BackupException(e.Message, e) { Stage = "prepare" };
        }
    }

    public ManifestEncryption Encryption => new("openpgp", Recipient.Fingerprint, "AES-256", IntegrityProtected: true);

    public ManifestSigning? Signing => Signer is null ? null : new ManifestSigning("openpgp-detached", Signer.Fingerprint);

    /// <summary>Who wrote an artefact: this tool, its version, this host.</summary>
    public static ManifestProducer Producer => new("leopass-recovery",
        typeof(ArtefactKeys).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0", Environment.MachineName);
}
