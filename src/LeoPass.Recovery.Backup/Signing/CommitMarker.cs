
namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// Writes and reads the commit marker of any artefact — a WAL file's or a base backup's manifest —
/// by the rules a dump's follows (docs/artefact-format.md): the detached signature first (with
/// BACKUP_SIGNING_KEY), the manifest last; if either write fails, whatever reached the store is
/// removed, manifest first, artefact last, so nothing half-done looks complete. Reads refuse a
/// manifest that describes another key or that BACKUP_TRUSTED_SIGNERS does not vouch for.
/// </summary>
public sealed class CommitMarker(IArtefactStore store, ManifestSignatureCheck signatures, TimeProvider clock, ILogger<CommitMarker> logger)
{
    /// <param name="stage">Told "sign" and "manifest" as each write starts (a backup's progress), with what it does.</param>
    /// <exception cref="BackupException">A write failed; the artefact and anything of its marker were removed.</exception>
    public async Task WriteAsync(string artefactKey, string manifestJson, ManifestSigner? signer, CancellationToken cancellationToken, Action<string, string>? stage = null)
    {
        var json = Encoding.UTF8.GetBytes(manifestJson);
        // Keys this artefact may have written; a key the store refused as taken is someone else's and stays.
        var written = new List<string> { artefactKey };
        try
        {
            if (signer is not null)
            {
                stage?.Invoke("sign", $"signing the manifest with {signer.Fingerprint}");
                await PutAsync(ArtefactKey.SignatureOf(artefactKey), signer.Sign(json, clock.GetUtcNow()), "application/pgp-signature", written, cancellationToken);
            }
            stage?.Invoke("manifest", "writing the manifest (the commit marker)");
            await PutAsync(ArtefactKey.ManifestOf(artefactKey), json, "application/json", written, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Manifest first (a write whose answer was lost may have stored it after all), artefact last.
            foreach (var key in Enumerable.Reverse(written))
            {
                try { await store.DeleteAsync(key, CancellationToken.None); }
                catch (ArtefactStoreException deleteError) { logger.LogWarning("Could not remove {Key} after its manifest failed: {Error}", key, deleteError.Message); }
            }
            throw new BackupException($"writing the manifest of {artefactKey} failed, so it does not count and its objects were removed: {e.Message}", e) { Stage = "manifest" };
        }
    }

    /// <summary>
    /// The manifest beside <paramref name="artefactKey"/>, parsed by <paramref name="parse"/>, after its signature is checked.
    /// </summary>
    /// <exception cref="ArtefactNotFoundException">No manifest: the artefact does not count.</exception>
    /// <exception cref="InvalidDataException">It does not parse.</exception>
    /// <exception cref="BackupException">It describes another key, or its signature is refused.</exception>
    public async Task<T> ReadAsync<T>(string artefactKey, Func<string, string, T> parse, Func<T, string> keyOf, CancellationToken cancellationToken)
    {
        var manifestKey = ArtefactKey.ManifestOf(artefactKey);
        byte[] bytes;
        await using (var stream = await store.OpenReadAsync(manifestKey, cancellationToken))
        {
            bytes = await ManifestReader.ReadCappedAsync(stream, manifestKey, cancellationToken);
        }
        var text = Encoding.UTF8.GetString(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsSpan(Encoding.UTF8.Preamble.Length) : bytes);
        var manifest = parse(text, manifestKey);
        if (!string.Equals(keyOf(manifest), artefactKey, StringComparison.Ordinal))
        {
            throw new BackupException($"manifest {manifestKey} describes '{keyOf(manifest)}', not '{artefactKey}': it was copied or tampered with; refusing it") { Stage = "resolve" };
        }
        await signatures.VerifyAsync(store, artefactKey, bytes, cancellationToken);
        return manifest;
    }

    private async Task PutAsync(string key, byte[] content, string contentType, List<string> written, CancellationToken cancellationToken)
    {
        await using var stream = new MemoryStream(content, writable: false);
        try
        {
            await store.PutAsync(key, stream, new PutOptions { ContentType = contentType }, cancellationToken);
            written.Add(key);
        }
        catch (ArtefactAlreadyExistsException)
        {
            throw;
        }
        catch
        {
            // A write whose answer was lost may have stored it after all.
            written.Add(key);
            throw;
        }
    }
}
