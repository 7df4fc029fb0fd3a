using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace LeoPass.Recovery.Backup.Encryption;

/// <summary>
/// Protects the secret key packets of a key ring with a passphrase: AES-256, iterated and salted
/// S2K with SHA-256, SHA-1 checksum of the key material (S2K usage 254, the form gpg writes).
/// BouncyCastle 2.7 can only protect with a SHA-1 S2K, hence this rewrite of the packets.
/// </summary>
internal static class SecretKeyProtection
{
    // 0xEE encodes (16 + 14) << (14 + 6) = 31,457,280 bytes hashed per unlock: about 0.1 s,
    // the cost gpg-agent itself calibrates for, which slows passphrase guessing a millionfold.
    private const int S2kCountByte = 0xEE;

    public static PgpSecretKeyRing Protect(PgpSecretKeyRing unprotected, string passphrase, SecureRandom random)
    {
        var input = new BcpgInputStream(new MemoryStream(unprotected.GetEncoded()));
        var output = new MemoryStream();
        using (var packets = new BcpgOutputStream(output))
        {
            while ((int)input.NextPacketTag() >= 0)
            {
                var packet = input.ReadPacket();
                var rewritten = packet is SecretKeyPacket secret ? Protect(secret, passphrase, random) : packet;
                ((ContainedPacket)rewritten).Encode(packets);
            }
        }
        return new PgpSecretKeyRing(output.ToArray());
    }

    private static int SumOf(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes) sum += b;
        return sum & 0xFFFF;
    }

    private static SecretKeyPacket Protect(SecretKeyPacket packet, string passphrase, SecureRandom random)
    {
        if (packet.S2kUsage != SecretKeyPacket.UsageNone)
            throw new InvalidOperationException("the secret key packet is already protected");

        // An unprotected v4 packet holds the key's MPIs followed by a 2-byte sum; the protected
        // form replaces the sum with a SHA-1 hash (RFC 4880 §5.5.3) before encrypting.
        // Every buffer below holds the secret key material or the passphrase: zeroed once encrypted.
        var data = packet.GetSecretKeyData();
        var passphraseBytes = Encoding.UTF8.GetBytes(passphrase);
        var plain = new byte[data.Length - 2 + 20];
        byte[] encrypted;
        S2k s2k;
        byte[] iv;
        try
        {
            var material = data.AsSpan(0, data.Length - 2);
            if (SumOf(material) != (data[^2] << 8 | data[^1]))
                throw new InvalidOperationException("the unprotected secret key packet does not end in its 2-byte checksum");
            material.CopyTo(plain);
            var sha1 = new Sha1Digest();
            sha1.BlockUpdate(material);
            sha1.DoFinal(plain.AsSpan(material.Length));

            s2k = S2k.GenerateSaltedAndIterated(random, HashAlgorithmTag.Sha256, S2kCountByte);
            var key = PgpUtilities.MakeKeyFromPassPhraseRaw(SymmetricKeyAlgorithmTag.Aes256, s2k, passphraseBytes);
            iv = SecureRandom.GetNextBytes(random, 16);
            var cipher = CipherUtilities.GetCipher("AES/CFB/NoPadding");
            cipher.Init(forEncryption: true, new ParametersWithIV(key, iv));
            encrypted = cipher.DoFinal(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(passphraseBytes);
        }

        return packet is SecretSubkeyPacket
            ? new SecretSubkeyPacket(packet.PublicKeyPacket, SymmetricKeyAlgorithmTag.Aes256, SecretKeyPacket.UsageSha1, s2k, iv, encrypted)
            : new SecretKeyPacket(packet.PublicKeyPacket, SymmetricKeyAlgorithmTag.Aes256, SecretKeyPacket.UsageSha1, s2k, iv, encrypted);
    }
}
