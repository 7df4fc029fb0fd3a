using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace LeoPass.Recovery.Backup.Signing;

/// <summary>Whether an OpenPGP (sub)key may make signatures: an algorithm that signs, and key flags that allow it.</summary>
internal static class SigningCapability
{
    public static bool CanSign(PgpPublicKey primary, PgpPublicKey key)
    {
        if (key.Algorithm is not (PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign or PublicKeyAlgorithmTag.Dsa
            or PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 or PublicKeyAlgorithmTag.Ed448))
        {
            return false;
        }
        if (key.HasRevocation() || primary.HasRevocation()) return false;
        // The flags of the newest self-signature (primary) or binding signature (subkey) rule; a key without flags may sign.
        var signatures = key.KeyId == primary.KeyId
            ? primary.GetSignatures().Where(s => s.IsCertification() && s.KeyId == primary.KeyId)
            : key.GetSignaturesOfType(PgpSignature.SubkeyBinding);
        var newest = signatures.MaxBy(s => s.CreationTime)?.GetHashedSubPackets();
        return newest is null || !newest.HasSubpacket(SignatureSubpacketTag.KeyFlags) || (newest.GetKeyFlags() & PgpKeyFlags.CanSign) != 0;
    }
}
