
namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// Reads a backup's manifest from the store and decides whether to believe it: it must parse,
/// describe the very key it sits beside (a manifest copied next to another object is refused),
/// and, when BACKUP_TRUSTED_SIGNERS is set, carry a trusted signature over its exact bytes.
/// </summary>
public sealed class ManifestReader(IArtefactStore store, ManifestSignatureCheck signatures)
{
    /// <summary>Manifests are a few KiB (one row per table); anything near this is not one of ours.</summary>
    public const int MaximumBytes = 4 << 20;

    /// <exception cref="ArtefactNotFoundException">There is no manifest: the key is not a backup.</exception>
    /// <exception cref="InvalidDataException">The manifest does not parse or is of a newer format.</exception>
    /// <exception cref="BackupException">The manifest describes another key, or its signature is refused (<see cref="ManifestSignatureException"/>).</exception>
    public async Task<BackupManifest> ReadAsync(string artefactKey, CancellationToken cancellationToken)
    {
        var manifestKey = ArtefactKey.ManifestOf(artefactKey);
        byte[] bytes;
        await using (var stream = await store.OpenReadAsync(manifestKey, cancellationToken))
        {
            bytes = await ReadCappedAsync(stream, manifestKey, cancellationToken);
        }
        var manifest = BackupManifest.Parse(Encoding.UTF8.GetString(WithoutByteOrderMark(bytes)), manifestKey);
        if (!string.Equals(manifest.Key, artefactKey, StringComparison.Ordinal))
        {
            throw new BackupException($"manifest {manifestKey} describes '{manifest.Key}', not '{artefactKey}': it was copied or tampered with; refusing it") { Stage = "resolve" };
        }
        await signatures.VerifyAsync(store, artefactKey, bytes, cancellationToken);
        return manifest;
    }

    /// <summary>Reads a small object whole, refusing one larger than <see cref="MaximumBytes"/>.</summary>
    public static async Task<byte[]> ReadCappedAsync(Stream stream, string key, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaximumBytes) throw new InvalidDataException($"{key} is larger than {MaximumBytes} bytes: it is not a LeoPass.Recovery manifest or signature");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ReadOnlySpan<byte> WithoutByteOrderMark(byte[] bytes) =>
        bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsSpan(Encoding.UTF8.Preamble.Length) : bytes;
}
