using LeoPass.Recovery.Backup.Encryption.Symmetric;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>
/// Our CFB layer (the platform's AES, an ECB pass for decryption) against BouncyCastle's CFB-128,
/// an independent implementation, across chunkings that cross block boundaries and a partial last block.
/// </summary>
public sealed class AesCfbTests
{
    private static readonly byte[] Key = Plaintexts.Random(32, seed: 7);

    [Theory]
    [InlineData(0, 16)]
    [InlineData(5, 16)]
    [InlineData(16, 16)]
    [InlineData(1_000_003, 16)]
    [InlineData(1_000_003, 4096)]
    [InlineData(1_000_000, 65_536)]
    public void Matches_an_independent_cfb_implementation(int length, int chunk)
    {
        var plaintext = Plaintexts.Random(length);
        var expected = ReferenceCfb(plaintext, forEncryption: true);

        var ciphertext = Run(plaintext, chunk, (cfb, input, output, final) => cfb.Encrypt(input, output, final));
        var decrypted = Run(ciphertext, chunk, (cfb, input, output, final) => cfb.Decrypt(input, output, final));

        Assert.Equal(expected, ciphertext);
        Assert.Equal(plaintext, decrypted);
    }

    [Fact]
    public void Decrypts_in_place()
    {
        var plaintext = Plaintexts.Random(70_000);
        var buffer = ReferenceCfb(plaintext, forEncryption: true);
        using var cfb = new AesCfb(Key);

        cfb.Decrypt(buffer.AsSpan(0, 65_536), buffer.AsSpan(0, 65_536));
        cfb.Decrypt(buffer.AsSpan(65_536), buffer.AsSpan(65_536), final: true);

        Assert.Equal(plaintext, buffer);
    }

    [Fact]
    public void Refuses_a_partial_block_before_the_end()
    {
        using var cfb = new AesCfb(Key);
        var error = Assert.Throws<ArgumentException>(() => cfb.Encrypt(new byte[20], new byte[20]));
        Assert.Contains("partial block", error.Message, StringComparison.Ordinal);
    }

    private delegate void Transform(AesCfb cfb, ReadOnlySpan<byte> input, Span<byte> output, bool final);

    private static byte[] Run(byte[] input, int chunk, Transform transform)
    {
        using var cfb = new AesCfb(Key);
        var output = new byte[input.Length];
        var offset = 0;
        for (; input.Length - offset > chunk; offset += chunk)
            transform(cfb, input.AsSpan(offset, chunk), output.AsSpan(offset, chunk), final: false);
        transform(cfb, input.AsSpan(offset), output.AsSpan(offset), final: true);
        return output;
    }

    private static byte[] ReferenceCfb(byte[] input, bool forEncryption)
    {
        // What BouncyCastle's own OpenPGP code uses for integrity-protected packets.
        var cipher = CipherUtilities.GetCipher("AES/CFB/NoPadding");
        cipher.Init(forEncryption, new ParametersWithIV(new KeyParameter(Key), new byte[16]));
        return cipher.DoFinal(input);
    }
}
