using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;

namespace LeoPass.Recovery.Backup.Encryption.SessionKeys;

/// <summary>Which ECDH curves are "native" (X25519, X448): their points are raw octets prefixed with 0x40, not SEC1 points.</summary>
internal static class EcdhCurves
{
    // gpg names Curve25519 by the cryptlib OID (RFC 4880bis); BouncyCastle keeps its constant internal.
    private static readonly DerObjectIdentifier GpgCurve25519 = new("1.3.6.1.4.1.3029.1.5.1");

    /// <summary>The octet in front of a native curve point.</summary>
    public const byte NativePointPrefix = 0x40;

    public static bool IsX25519(DerObjectIdentifier curve) => EdECObjectIdentifiers.id_X25519.Equals(curve) || GpgCurve25519.Equals(curve);

    public static bool IsX448(DerObjectIdentifier curve) => EdECObjectIdentifiers.id_X448.Equals(curve);
}
