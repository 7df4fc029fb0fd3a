using LeoPass.Recovery.Backup.Encryption;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Signing;

/// <summary>
/// The public keys whose signatures make a manifest trusted (BACKUP_TRUSTED_SIGNERS: a file of
/// ASCII-armoured public keys, as <c>gpg --armor --export</c> writes them; several keys may follow
/// each other, e.g. the current and the next signing key during a rotation).
/// </summary>
public sealed class TrustedSigners
{
    public const string Setting = "BACKUP_TRUSTED_SIGNERS";

    // Hashes a signature may use: collision-resistant ones only (a SHA-1 signature could be made to fit another manifest).
    private static readonly HashSet<HashAlgorithmTag> AcceptedHashes =
    [
        HashAlgorithmTag.Sha224, HashAlgorithmTag.Sha256, HashAlgorithmTag.Sha384, HashAlgorithmTag.Sha512,
        HashAlgorithmTag.Sha3_256, HashAlgorithmTag.Sha3_512,
    ];

    private readonly Dictionary<long, (PgpPublicKey Key, string PrimaryFingerprint)> _keys;

    private TrustedSigners(Dictionary<long, (PgpPublicKey, string)> keys, string path)
    {
        _keys = keys;
        Path = path;
        Fingerprints = [.. keys.Values.Select(k => k.Item2).Distinct(StringComparer.Ordinal)];
    }

    public string Path { get; }

    /// <summary>Primary-key fingerprints of the trusted signers.</summary>
    public IReadOnlyList<string> Fingerprints { get; }

    /// <exception cref="SigningKeyException">The file is missing, not OpenPGP public keys, or holds a secret key.</exception>
    public static TrustedSigners Load(string path)
    {
        Exception Refuse(string reason, Exception? inner = null) => inner is null
            ? new SigningKeyException($"{Setting} '{path}' cannot be used: {reason}")
            : new SigningKeyException($"{Setting} '{path}' cannot be used: {reason}", inner);

        var objects = KeyFileReader.ReadObjects(path, Refuse);
        if (objects.OfType<PgpSecretKeyRing>().Any())
            throw Refuse("it holds a secret key; give only public keys (gpg --armor --export <fingerprint>), the signing key's secret part stays on the backup host");
        var rings = objects.OfType<PgpPublicKeyRing>().ToList();
        if (rings.Count == 0) throw Refuse("it holds no OpenPGP public key");

        var keys = new Dictionary<long, (PgpPublicKey, string)>();
        foreach (var ring in rings)
        {
            var primary = ring.GetPublicKey();
            foreach (var key in ring.GetPublicKeys().Where(k => SigningCapability.CanSign(primary, k))) keys[key.KeyId] = (key, KeyFormat.Fingerprint(primary));
        }
        if (keys.Count == 0) throw Refuse("none of its keys may sign (revoked, or encryption-only)");
        return new TrustedSigners(keys, path);
    }

    /// <summary>Checks <paramref name="signature"/> (armoured or binary, detached) over <paramref name="manifest"/>.</summary>
    /// <returns>The fingerprint of the trusted key that made it.</returns>
    /// <exception cref="ManifestSignatureException">Not a signature, by an untrusted key, or it does not match the manifest.</exception>
    public string Verify(byte[] manifest, byte[] signature, string manifestKey)
    {
        var signatures = ReadSignatures(signature, manifestKey);
        var untrusted = new List<string>();
        foreach (var candidate in signatures)
        {
            if (!_keys.TryGetValue(candidate.KeyId, out var trusted))
            {
                untrusted.Add(KeyFormat.KeyId(candidate.KeyId));
                continue;
            }
            if (candidate.SignatureType != PgpSignature.BinaryDocument)
                throw new ManifestSignatureException($"the signature of {manifestKey} is of type {candidate.SignatureType}, not a signature of a binary document: refusing it") { Stage = "signature" };
            if (!AcceptedHashes.Contains(candidate.HashAlgorithm))
                throw new ManifestSignatureException($"the signature of {manifestKey} uses {candidate.HashAlgorithm}, which is too weak to trust: refusing it") { Stage = "signature" };
            candidate.InitVerify(trusted.Key);
            candidate.Update(manifest);
            if (!candidate.Verify())
            {
                throw new ManifestSignatureException(
                    $"the signature of {manifestKey} by trusted key {trusted.PrimaryFingerprint} does not match the manifest: it was changed after signing. Refusing the backup") { Stage = "signature" };
            }
            return trusted.PrimaryFingerprint;
        }
        throw new ManifestSignatureException(
            $"{manifestKey} is signed by key {string.Join(", ", untrusted)}, which is not in {Setting} ({string.Join(", ", Fingerprints)}): refusing the backup. " +
            $"It may have been planted by someone with write access to the store; if the signing key was rotated, add the new public key to {Setting}") { Stage = "signature" };
    }

    private static List<PgpSignature> ReadSignatures(byte[] signature, string manifestKey)
    {
        try
        {
            using var decoded = PgpUtilities.GetDecoderStream(new MemoryStream(signature, writable: false));
            var factory = new PgpObjectFactory(decoded);
            var found = new List<PgpSignature>();
            while (factory.NextPgpObject() is { } item)
            {
                if (item is PgpSignatureList list) found.AddRange(Enumerable.Range(0, list.Count).Select(i => list[i]));
            }
            return found.Count > 0 ? found : throw new ManifestSignatureException($"the signature object of {manifestKey} holds no OpenPGP signature: refusing the backup") { Stage = "signature" };
        }
        catch (Exception e) when (e is not ManifestSignatureException)
        {
            throw new ManifestSignatureException($"the signature object of {manifestKey} is not an OpenPGP signature: refusing the backup", e) { Stage = "signature" };
        }
    }
}
