using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>Encrypt/decrypt helpers shared by the OpenPGP tests.</summary>
public static class Plaintexts
{
    public static byte[] Random(int length, int seed = 42)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Encrypts in uneven chunks, the way a pipe delivers data.</summary>
    public static byte[] Encrypt(OpenPgpRecipient recipient, byte[] plaintext)
    {
        using var ciphertext = new MemoryStream();
        using (var encrypting = recipient.OpenEncryptingStream(ciphertext, leaveOpen: true, "test.dump"))
        {
            var chunk = 1;
            for (var offset = 0; offset < plaintext.Length; offset += chunk, chunk = chunk * 3 % 100_003 + 1)
            {
                encrypting.Write(plaintext, offset, Math.Min(chunk, plaintext.Length - offset));
            }
        }
        return ciphertext.ToArray();
    }

    public static byte[] Decrypt(OpenPgpDecryptor decryptor, byte[] ciphertext)
    {
        using var plaintext = new MemoryStream();
        using (var decrypting = decryptor.OpenDecryptingStream(new MemoryStream(ciphertext), leaveOpen: false))
        {
            decrypting.CopyTo(plaintext, 7919);
        }
        return plaintext.ToArray();
    }
}
