using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace LeoPass.Recovery.Backup.Encryption.SessionKeys;

/// <summary>
/// Recovers the session key from a public-key encrypted session key packet with one of our private
/// keys; the reverse of <see cref="SessionKeyEncryption"/>.
/// </summary>
internal static class SessionKeyDecryption
{
    /// <summary>Whether session key packets of this algorithm can be read at all.</summary>
    public static bool Supports(PublicKeyEncSessionPacket packet) =>
        packet.Version == 3 && SessionKeyEncryption.Supports(packet.Algorithm);

    /// <summary>
    /// The session key, or null when this private key does not open the packet: a packet of a
    /// kind we do not read, a key of another kind, damaged key material or a failed checksum.
    /// </summary>
    /// <exception cref="ArtefactIntegrityException">The packet opens, but names a cipher other than AES.</exception>
    public static SessionKey? TryDecrypt(PublicKeyEncSessionPacket packet, PgpPrivateKey privateKey)
    {
        if (!Supports(packet)) return null;
        byte[] sessionInfo;
        try
        {
            sessionInfo = packet.Algorithm == PublicKeyAlgorithmTag.ECDH
                ? DecryptEcdh(packet.GetEncSessionKey()[0], privateKey)
                : DecryptRsa(packet.GetEncSessionKey()[0], privateKey);
        }
        // BouncyCastle signals a key of the wrong kind, or damage, with many unrelated exception
        // types (InvalidKeyException, CryptoException, InvalidCastException, InvalidOperationException
        // for a low-order curve point, …); every one of them means "this key does not open it".
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
        try
        {
            return SessionKey.FromSessionInfo(sessionInfo);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionInfo);
        }
    }

    private static byte[] DecryptRsa(byte[] encodedMpi, PgpPrivateKey privateKey)
    {
        var cipher = CipherUtilities.GetCipher("RSA//PKCS1Padding");
        cipher.Init(forEncryption: false, privateKey.Key);
        // The MPI's two-octet bit count comes first.
        cipher.ProcessBytes(encodedMpi, 2, encodedMpi.Length - 2);
        return cipher.DoFinal();
    }

    private static byte[] DecryptEcdh(byte[] body, PgpPrivateKey privateKey)
    {
        var ecdhKey = (ECDHPublicBcpgKey)privateKey.PublicKeyPacket.Key;

        // Body: the ephemeral public key as an MPI, then the wrapped key with a one-octet length.
        if (body.Length < 3) throw new IOException("ECDH session key packet too short");
        var pointLength = (((body[0] << 8) | body[1]) + 7) / 8;
        if (2 + pointLength + 1 > body.Length) throw new IOException("ephemeral key length out of range");
        var ephemeral = body.AsSpan(2, pointLength);
        var wrappedLength = body[2 + pointLength];
        if (2 + pointLength + 1 + wrappedLength > body.Length) throw new IOException("wrapped key length out of range");
        var wrapped = body.AsSpan(2 + pointLength + 1, wrappedLength).ToArray();

        var secret = Agree(ecdhKey.CurveOid, ephemeral, privateKey.Key);
        var kek = Rfc6637Utilities.CreateKey(privateKey.PublicKeyPacket, secret);
        byte[]? padded = null;
        try
        {
            var wrapper = WrapperUtilities.GetWrapper(SessionKeyEncryption.KeyWrapAlgorithm(ecdhKey.SymmetricKeyAlgorithm));
            wrapper.Init(forWrapping: false, new KeyParameter(kek));
            padded = wrapper.Unwrap(wrapped, 0, wrapped.Length);
            return PgpPad.UnpadSessionData(padded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(kek);
            if (padded is not null) CryptographicOperations.ZeroMemory(padded);
        }
    }

    private static byte[] Agree(Org.BouncyCastle.Asn1.DerObjectIdentifier curve, ReadOnlySpan<byte> ephemeral, AsymmetricKeyParameter privateKey)
    {
        if (EcdhCurves.IsX25519(curve))
        {
            if (ephemeral.Length != 1 + X25519PublicKeyParameters.KeySize || ephemeral[0] != EcdhCurves.NativePointPrefix) throw new ArgumentException("invalid X25519 ephemeral key");
            var agreement = new X25519Agreement();
            agreement.Init(privateKey);
            var secret = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(new X25519PublicKeyParameters(ephemeral[1..]), secret, 0);
            return secret;
        }
        if (EcdhCurves.IsX448(curve))
        {
            if (ephemeral.Length != 1 + X448PublicKeyParameters.KeySize || ephemeral[0] != EcdhCurves.NativePointPrefix) throw new ArgumentException("invalid X448 ephemeral key");
            var agreement = new X448Agreement();
            agreement.Init(privateKey);
            var secret = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(new X448PublicKeyParameters(ephemeral[1..]), secret, 0);
            return secret;
        }

        var curveParameters = ((ECPrivateKeyParameters)privateKey).Parameters;
        var point = new ECPublicKeyParameters(curveParameters.Curve.DecodePoint(ephemeral.ToArray()), curveParameters);
        var basic = new ECDHBasicAgreement();
        basic.Init(privateKey);
        return Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(basic.GetFieldSize(), basic.CalculateAgreement(point));
    }
}
