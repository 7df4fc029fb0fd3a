using System.Security.Cryptography;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Wal;

namespace LeoPass.Recovery.Backup.Pitr;

/// <summary>
/// Brings one shipped WAL file back as PostgreSQL wrote it: its signed manifest is read and
/// checked (BACKUP_TRUSTED_SIGNERS), the object is downloaded and its SHA-256 checked against the
/// manifest, decrypted, decompressed, and the result checked against the manifest's plain size
/// and SHA-256, in a temporary file renamed into place only when every check passed.
/// </summary>
public sealed class WalFetcher(IArtefactStore store, CommitMarker marker, ArtefactReader reader)
{
    /// <exception cref="BackupException">The shipment is missing, refused or corrupt; the message names the file and why.</exception>
    /// <param name="readableByAll">Mode 0644 instead of the umask's: for a hand-over to another user through a directory only it can reach.</param>
    public async Task<WalSegmentManifest> FetchAsync(string key, string fileName, string destination, CancellationToken cancellationToken, bool readableByAll = false)
    {
        WalSegmentManifest manifest;
        try
        {
            manifest = await marker.ReadAsync(key, WalSegmentManifest.Parse, m => m.Key, cancellationToken);
        }
        catch (ArtefactNotFoundException e)
        {
            throw new BackupException($"WAL file {fileName} is missing from {store.Description}: its manifest {ArtefactKey.ManifestOf(key)} is gone", e) { Stage = "download" };
        }
        catch (InvalidDataException e)
        {
            throw new BackupException($"WAL file {fileName}: {e.Message}", e) { Stage = "verify" };
        }
        if (manifest.Segment.FileName != fileName)
        {
            throw new BackupException($"{key} holds WAL file {manifest.Segment.FileName}, not {fileName}: refusing it") { Stage = "verify" };
        }
        var temporary = destination + ".leopass-partial";
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                var artefact = new StoredArtefact(key, manifest.Sha256, manifest.Sizes.StoredBytes, manifest.Compression, manifest.Encryption.RecipientFingerprint,
                    manifest.Sizes.PlainBytes, null, "WAL file");
                try
                {
                    await reader.ReadAsync(artefact, output, null, cancellationToken);
                }
                catch (BackupException e)
                {
                    throw new BackupException($"WAL file {fileName} ({key}): {e.Message}", e) { Stage = e.Stage };
                }
            }
            var plain = Convert.ToHexStringLower(await SHA256.HashDataAsync(File.OpenRead(temporary), cancellationToken));
            if (!string.Equals(plain, manifest.PlainSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new BackupException($"WAL file {fileName} ({key}) decrypted to content whose SHA-256 {plain} is not the manifest's {manifest.PlainSha256}") { Stage = "verify" };
            }
            if (readableByAll && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            File.Move(temporary, destination, overwrite: true);
            return manifest;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A shipment of <paramref name="fileName"/> found by listing the store (no catalogue needed), or null when none exists.</summary>
    public async Task<string?> FindAsync(string fileName, CancellationToken cancellationToken)
    {
        if (!WalFileName.TryParse(fileName, WalFileName.DefaultSegmentBytes, out var file)) return null;
        await foreach (var item in store.ListAsync(WalArtefactKey.PrefixOf(file!), cancellationToken))
        {
            if (WalArtefactKey.IsManifest(item.Key)) return ArtefactKey.ArtefactOfManifest(item.Key);
        }
        return null;
    }
}
