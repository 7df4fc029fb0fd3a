using LeoPass.Recovery.Backup.Encryption.SessionKeys;
using LeoPass.Recovery.Backup.Encryption.Symmetric;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>Key material is wiped when its owner is done with it (docs/artefact-format.md, "Key material in memory").</summary>
public class KeyHygieneTests
{
    [Fact]
    public void A_disposed_session_key_holds_only_zeros()
    {
        var sessionKey = SessionKey.NewAes256();
        var bytes = sessionKey.Key;
        Assert.Contains(bytes, b => b != 0);

        sessionKey.Dispose();

        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Session_info_read_from_a_packet_is_copied_into_a_key_that_disposal_zeroes()
    {
        using var original = SessionKey.NewAes256();
        var info = original.ToSessionInfo();

        var recovered = SessionKey.FromSessionInfo(info)!;
        Assert.Equal(original.Key, recovered.Key);
        recovered.Dispose();

        Assert.All(recovered.Key, b => Assert.Equal(0, b));
        Assert.NotEqual(new byte[32], original.Key);
    }

    [Fact]
    public void A_cfb_cipher_still_decrypts_after_its_session_key_was_zeroed()
    {
        var plaintext = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var ciphertext = new byte[64];
        var roundTrip = new byte[64];
        var sessionKey = SessionKey.NewAes256();
        using var encryptor = new AesCfb(sessionKey.Key);
        using var decryptor = new AesCfb(sessionKey.Key);

        sessionKey.Dispose();
        encryptor.Encrypt(plaintext, ciphertext, final: true);
        decryptor.Decrypt(ciphertext, roundTrip, final: true);

        Assert.Equal(plaintext, roundTrip);
    }
}
