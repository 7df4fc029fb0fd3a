using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using LeoPass.Recovery.Backup.Encryption.SessionKeys;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Picks the (sub)key of a public key ring that messages should be encrypted to, the way gpg
/// does: not revoked, not expired, bound by a signature that verifies, flagged for encryption,
/// newest first. Returns the reasons every other key was passed over, for the error message.
/// </summary>
internal static class EncryptionSubkeySelector
{
    private const int EncryptionFlags = PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage;

    public static PgpPublicKey? Select(PgpPublicKeyRing ring, DateTimeOffset now, List<string> rejections)
    {
        var primary = ring.GetPublicKey();
        var primaryId = KeyFormat.Fingerprint(primary);

        if (primary.HasRevocation())
        {
            rejections.Add($"the key {primaryId} is revoked");
            return null;
        }
        if (ExpiryOf(primary, primary.GetValidSeconds()) is { } primaryExpiry && primaryExpiry <= now)
        {
            rejections.Add($"the key {primaryId} expired on {primaryExpiry:yyyy-MM-dd}");
            return null;
        }

        PgpPublicKey? best = null;
        foreach (var key in ring.GetPublicKeys())
        {
            var reason = WhyNotUsable(primary, key, now);
            if (reason is not null)
            {
                rejections.Add(reason);
                continue;
            }
            if (best is null || key.CreationTime > best.CreationTime) best = key;
        }
        return best;
    }

    private static string? WhyNotUsable(PgpPublicKey primary, PgpPublicKey key, DateTimeOffset now)
    {
        var isPrimary = key.KeyId == primary.KeyId;
        var name = isPrimary ? $"the primary key {KeyFormat.KeyId(key.KeyId)}" : $"subkey {KeyFormat.KeyId(key.KeyId)}";

        if (!key.IsEncryptionKey) return $"{name} is a {key.Algorithm} key, which can only sign";
        if (!SessionKeyEncryption.Supports(key.Algorithm))
            return $"{name} is an {key.Algorithm} key; backups are encrypted to RSA or ECDH (Curve25519, NIST) keys";
        if (key.PublicKeyPacket.Key is ECDHPublicBcpgKey ecdh && !SessionKeyEncryption.SupportsKeyWrap(ecdh.SymmetricKeyAlgorithm))
            return $"{name} wraps session keys with {ecdh.SymmetricKeyAlgorithm}; backups need an ECDH key that wraps with AES (gpg's default)";

        // The newest self-signature that verifies states the key's current flags and expiry.
        var binding = isPrimary ? LatestVerifiedSelfCertification(primary) : LatestVerifiedBinding(primary, key);
        if (binding is null && !isPrimary) return $"{name} has no valid binding signature from the primary key";

        var hashed = binding?.GetHashedSubPackets();
        if (hashed is not null && hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags) && (hashed.GetKeyFlags() & EncryptionFlags) == 0)
            return $"{name} is not flagged for encryption";

        if (!isPrimary && key.HasRevocation()) return $"{name} is revoked";

        var validSeconds = hashed is not null && hashed.HasKeyExpirationTime() ? hashed.GetKeyExpirationTime() : 0;
        if (ExpiryOf(key, validSeconds) is { } expiry && expiry <= now) return $"{name} expired on {expiry:yyyy-MM-dd}";

        return null;
    }

    private static DateTimeOffset? ExpiryOf(PgpPublicKey key, long validSeconds) =>
        validSeconds > 0 ? new DateTimeOffset(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc)).AddSeconds(validSeconds) : null;

    private static PgpSignature? LatestVerifiedBinding(PgpPublicKey primary, PgpPublicKey subkey) =>
        subkey.GetSignaturesOfType(PgpSignature.SubkeyBinding)
            .Where(sig => Verifies(sig, primary, () => sig.VerifyCertification(primary, subkey)))
            .MaxBy(sig => sig.CreationTime);

    private static PgpSignature? LatestVerifiedSelfCertification(PgpPublicKey primary) =>
        primary.GetUserIds()
            .SelectMany(id => primary.GetSignaturesForId(id)
                .Where(sig => sig.IsCertification() && sig.KeyId == primary.KeyId)
                .Where(sig => Verifies(sig, primary, () => sig.VerifyCertification(id, primary))))
            .MaxBy(sig => sig.CreationTime);

    private static bool Verifies(PgpSignature signature, PgpPublicKey signer, Func<bool> verify)
    {
        try
        {
            signature.InitVerify(signer);
            return verify();
        }
        catch (PgpException)
        {
            return false;
        }
    }
}
