using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Reading;

namespace LeoPass.Recovery.Backup.Verification;

/// <summary>
/// Proves a backup restorable without restoring it: downloads it, checks its SHA-256 against
/// the manifest, decrypts and decompresses it to nowhere, and records the result in the catalogue.
/// </summary>
public sealed class BackupVerifier(ArtefactReader reader, BackupCatalogue catalogue)
{
    public async Task<ArtefactReadResult> VerifyAsync(string keyOrLatest, IBackupObserver? observer = null, CancellationToken cancellationToken = default) =>
        await VerifyAsync(keyOrLatest, decrypt: true, observer, cancellationToken);

    /// <param name="decrypt">
    /// False checks only the stored bytes against the manifest's SHA-256: the backup host holds
    /// the public key alone, by design, and can still prove that what it uploaded is intact.
    /// </param>
    public async Task<ArtefactReadResult> VerifyAsync(string keyOrLatest, bool decrypt, IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var manifest = await reader.ResolveAsync(keyOrLatest, cancellationToken);
        try
        {
            var result = decrypt
                ? await reader.ReadAsync(manifest, Stream.Null, observer, cancellationToken)
                : await reader.CheckStoredBytesAsync(manifest, observer, cancellationToken);
            await catalogue.RecordVerificationAsync(manifest.Key, "ok", cancellationToken);
            return result;
        }
        catch (BackupException e)
        {
            await catalogue.RecordVerificationAsync(manifest.Key, e.Message, CancellationToken.None);
            throw;
        }
    }
}
