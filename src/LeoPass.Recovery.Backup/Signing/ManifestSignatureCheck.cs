
namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// Refuses a manifest that BACKUP_TRUSTED_SIGNERS does not vouch for. Without the setting, every
/// manifest passes (signing is optional); with it, a manifest needs its signature object
/// (<c>&lt;key&gt;.manifest.json.sig</c>) made by one of the trusted keys over its exact bytes.
/// Every way of reading a backup (verify, restore, drills, the nightly verify step, the
/// catalogue refresh) goes through <see cref="ManifestReader"/>, which asks this.
/// </summary>
public sealed class ManifestSignatureCheck(BackupSettings settings)
{
    private readonly Lock _lock = new();
    private (string Version, TrustedSigners Signers)? _loaded;

    public bool IsRequired => settings.TrustedSignersPath is not null;

    /// <returns>The trusted signer's fingerprint, or null when signatures are not required.</returns>
    /// <exception cref="ManifestSignatureException">The manifest is unsigned or not signed by a trusted key, or BACKUP_TRUSTED_SIGNERS cannot be read.</exception>
    public async Task<string?> VerifyAsync(IArtefactStore store, string artefactKey, byte[] manifest, CancellationToken cancellationToken)
    {
        if (settings.TrustedSignersPath is not { } path) return null;
        var signers = Signers(path);
        var signatureKey = ArtefactKey.SignatureOf(artefactKey);
        byte[] signature;
        try
        {
            await using var stream = await store.OpenReadAsync(signatureKey, cancellationToken);
            signature = await ManifestReader.ReadCappedAsync(stream, signatureKey, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new ManifestSignatureException($"the signature object of backup {artefactKey} is not a signature: refusing the backup ({e.Message})", e) { Stage = "signature" };
        }
        catch (ArtefactNotFoundException)
        {
            throw new ManifestSignatureException(
                $"backup {artefactKey} is not signed ({signatureKey} is missing), but {TrustedSigners.Setting} requires a signature by {string.Join(", ", signers.Fingerprints)}: refusing it. " +
                "Anyone holding the public key and write access to the store can make an unsigned backup; one from a backup host without BACKUP_SIGNING_KEY looks the same") { Stage = "signature" };
        }
        return signers.Verify(manifest, signature, ArtefactKey.ManifestOf(artefactKey));
    }

    /// <summary>The trusted keys, read again when the file changes (a key rotation needs no restart).</summary>
    private TrustedSigners Signers(string path)
    {
        var file = new FileInfo(path);
        var version = $"{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        lock (_lock)
        {
            if (_loaded is { } loaded && loaded.Version == version) return loaded.Signers;
            TrustedSigners signers;
            try
            {
                signers = TrustedSigners.Load(path);
            }
            catch (SigningKeyException e)
            {
                // Nothing can be trusted without the list: refuse the backup, saying why.
                throw new ManifestSignatureException(e.Message, e) { Stage = "signature" };
            }
            _loaded = (version, signers);
            return signers;
        }
    }
}
