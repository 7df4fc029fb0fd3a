using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Signing;

namespace LeoPass.Recovery.Backup.Wal;

/// <summary>What shipping one WAL file did.</summary>
/// <param name="AlreadyShipped">The catalogue already listed this file (an earlier node or attempt shipped it): nothing was written.</param>
public sealed record WalShipment(string Key, WalFileName File, bool AlreadyShipped, long StoredBytes);

/// <summary>
/// Ships one complete WAL file from the spool: compressed, encrypted to the backup key and
/// uploaded with the dump pipeline's layers and verification (<see cref="EncryptedUpload"/>),
/// then its signed manifest (the commit marker), then the catalogue row. The caller deletes the
/// local file only after this returns: a failure at any point leaves it to ship again.
/// </summary>
public sealed class WalShipper(RecoverySettings settings, EncryptedUpload upload, CommitMarker marker, PitrCatalogue catalogue, IArtefactStore store, TimeProvider clock)
{
    public async Task<WalShipment> ShipAsync(string path, WalFileName file, WalSource source, DateTimeOffset completedAt, ArtefactKeys keys, CancellationToken cancellationToken)
    {
        if (await catalogue.FindSegmentAsync(file.Timeline, file.Name, cancellationToken) is { } shipped)
        {
            return new WalShipment(shipped.Key, file, AlreadyShipped: true, shipped.StoredBytes);
        }
        var key = WalArtefactKey.For(file, settings.Backup.Compression);
        EncryptedUploadResult result;
        try
        {
            result = await upload.UploadAsync(key, keys.Recipient, async (plain, token) =>
            {
                await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
                await input.CopyToAsync(plain, 1 << 20, token);
            }, cancellationToken);
        }
        catch (ArtefactStoreException e)
        {
            throw new BackupException($"shipping {file.Name} failed: {e.Message}", e) { Stage = "upload" };
        }
        var manifest = new WalSegmentManifest
        {
            Key = key,
            CreatedAt = clock.GetUtcNow(),
            Source = source,
            Segment = new WalSegmentInfo(file.Name, file.Timeline,
                file.IsHistory ? null : file.StartLsn(source.SegmentBytes).ToString(),
                file.IsHistory ? null : file.EndLsn(source.SegmentBytes).ToString(),
                completedAt),
            Sizes = new WalSizes(result.PlainBytes, result.CompressedBytes, result.Stored.Size),
            Sha256 = result.Stored.Sha256,
            PlainSha256 = result.PlainSha256 ?? throw new InvalidOperationException("the upload of a WAL file must hash its content"),
            Upload = new ManifestUpload(result.Stored.ETag, result.Stored.Verification.ToString(), result.Stored.PartCount, store.Description)
            {
                ReplaceProtection = result.Stored.ReplaceProtection.ToString(),
                RetainedUntil = result.Stored.RetainedUntil,
            },
            Compression = settings.Backup.Compression.Name(),
            Encryption = keys.Encryption,
            Producer = ArtefactKeys.Producer,
            Signing = keys.Signing,
        };
        await marker.WriteAsync(key, manifest.ToJson(), keys.Signer, cancellationToken);
        var recorded = await catalogue.RecordSegmentAsync(manifest, cancellationToken);
        return new WalShipment(key, file, AlreadyShipped: !recorded, result.Stored.Size);
    }
}
