using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;

namespace LeoPass.Recovery.Backup.Encryption.SessionKeys;

/// <summary>
/// Encrypts a session key to a recipient's public key, giving the public-key encrypted session key
/// packet (RFC 4880 §5.1, v3) that opens a message: RSA with PKCS#1 v1.5, or ECDH (RFC 6637) on
/// Curve25519, X448 or a NIST/Brainpool curve. The asymmetric maths is BouncyCastle's; we only
/// need the session key in our own hands, which BouncyCastle's message generator never gives out.
/// </summary>
internal static class SessionKeyEncryption
{
    /// <summary>Whether messages can be encrypted to keys of this algorithm.</summary>
    public static bool Supports(PublicKeyAlgorithmTag algorithm) =>
        algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.ECDH;

    public static PublicKeyEncSessionPacket Encrypt(PgpPublicKey recipient, SessionKey sessionKey, SecureRandom random)
    {
        var sessionInfo = sessionKey.ToSessionInfo();
        try
        {
            byte[][] data = recipient.Algorithm switch
            {
                PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => [EncryptRsa(recipient, sessionInfo, random)],
                PublicKeyAlgorithmTag.ECDH => [EncryptEcdh(recipient, sessionInfo, random)],
                _ => throw new NotSupportedException($"cannot encrypt to a {recipient.Algorithm} key"),
            };
            return new PublicKeyEncSessionPacket(recipient.KeyId, recipient.Algorithm, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sessionInfo);
        }
    }

    private static byte[] EncryptRsa(PgpPublicKey recipient, byte[] sessionInfo, SecureRandom random)
    {
        var cipher = CipherUtilities.GetCipher("RSA//PKCS1Padding");
        cipher.Init(forEncryption: true, new ParametersWithRandom(recipient.GetKey(), random));
        return new MPInteger(new BigInteger(1, cipher.DoFinal(sessionInfo))).GetEncoded();
    }

    // An ephemeral key pair agrees a secret with the recipient's key; a KDF over that secret and the
    // recipient's key parameters gives a key-encryption key, which AES-key-wraps the padded session info.
    private static byte[] EncryptEcdh(PgpPublicKey recipient, byte[] sessionInfo, SecureRandom random)
    {
        var ecdhKey = (ECDHPublicBcpgKey)recipient.PublicKeyPacket.Key;
        var (secret, ephemeralPublic) = AgreeEphemeral(ecdhKey.CurveOid, recipient.GetKey(), random);
        var kek = Rfc6637Utilities.CreateKey(recipient.PublicKeyPacket, secret);
        var padded = PgpPad.PadSessionData(sessionInfo, obfuscate: true);
        byte[] wrapped;
        try
        {
            var wrapper = WrapperUtilities.GetWrapper(KeyWrapAlgorithm(ecdhKey.SymmetricKeyAlgorithm));
            wrapper.Init(forWrapping: true, new ParametersWithRandom(new KeyParameter(kek), random));
            wrapped = wrapper.Wrap(padded, 0, padded.Length);
        }
        finally
        {
            // The shared secret and the key-encryption key each unwrap the session key; the padded info holds it.
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(padded);
        }

        // Body: the ephemeral public key as an MPI, then the wrapped key with a one-octet length.
        var point = new MPInteger(new BigInteger(1, ephemeralPublic)).GetEncoded();
        return Arrays.ConcatenateAll(point, [(byte)wrapped.Length], wrapped);
    }

    private static (byte[] Secret, byte[] EphemeralPublic) AgreeEphemeral(
        Org.BouncyCastle.Asn1.DerObjectIdentifier curve, AsymmetricKeyParameter recipientKey, SecureRandom random)
    {
        if (EcdhCurves.IsX25519(curve))
        {
            var generator = new X25519KeyPairGenerator();
            generator.Init(new X25519KeyGenerationParameters(random));
            var ephemeral = generator.GenerateKeyPair();
            var agreement = new X25519Agreement();
            agreement.Init(ephemeral.Private);
            var secret = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(recipientKey, secret, 0);
            return (secret, [EcdhCurves.NativePointPrefix, .. ((X25519PublicKeyParameters)ephemeral.Public).GetEncoded()]);
        }
        if (EcdhCurves.IsX448(curve))
        {
            var generator = new X448KeyPairGenerator();
            generator.Init(new X448KeyGenerationParameters(random));
            var ephemeral = generator.GenerateKeyPair();
            var agreement = new X448Agreement();
            agreement.Init(ephemeral.Private);
            var secret = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(recipientKey, secret, 0);
            return (secret, [EcdhCurves.NativePointPrefix, .. ((X448PublicKeyParameters)ephemeral.Public).GetEncoded()]);
        }

        var recipientPoint = (ECPublicKeyParameters)recipientKey;
        var pointGenerator = new ECKeyPairGenerator();
        pointGenerator.Init(new ECKeyGenerationParameters(recipientPoint.Parameters, random));
        var pair = pointGenerator.GenerateKeyPair();
        var basic = new ECDHBasicAgreement();
        basic.Init(pair.Private);
        var shared = BigIntegers.AsUnsignedByteArray(basic.GetFieldSize(), basic.CalculateAgreement(recipientPoint));
        return (shared, ((ECPublicKeyParameters)pair.Public).Q.GetEncoded(compressed: false));
    }

    public static bool SupportsKeyWrap(SymmetricKeyAlgorithmTag algorithm) =>
        algorithm is SymmetricKeyAlgorithmTag.Aes128 or SymmetricKeyAlgorithmTag.Aes192 or SymmetricKeyAlgorithmTag.Aes256;

    /// <summary>The key-wrap algorithm an ECDH key's parameters name; OpenPGP allows AES (and Camellia, which we refuse).</summary>
    public static string KeyWrapAlgorithm(SymmetricKeyAlgorithmTag algorithm) => algorithm switch
    {
        _ when SupportsKeyWrap(algorithm) => "AESWRAP",
        _ => throw new NotSupportedException($"ECDH key wrapping with {algorithm} is not supported; only AES"),
    };
}
