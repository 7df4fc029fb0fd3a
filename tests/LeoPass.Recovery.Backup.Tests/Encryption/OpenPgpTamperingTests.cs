using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>A damaged artefact must fail loudly, never decrypt to a shorter or altered dump.</summary>
[Collection(OpenPgpKeysCollection.Name)]
public sealed class OpenPgpTamperingTests(OpenPgpKeysFixture keys)
{
    private const int PlaintextLength = 400_000;

    private readonly OpenPgpDecryptor _decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);

    private byte[] Ciphertext() =>
        Plaintexts.Encrypt(OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath), Plaintexts.Random(PlaintextLength));

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.25)]
    [InlineData(0.999)]
    public void Decrypt_fails_when_a_byte_of_ciphertext_is_flipped(double where)
    {
        var ciphertext = Ciphertext();
        ciphertext[(int)(ciphertext.Length * where)] ^= 0x01;

        Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(_decryptor, ciphertext));
    }

    [Fact]
    public void Decrypt_fails_when_the_last_byte_is_flipped()
    {
        var ciphertext = Ciphertext();
        ciphertext[^1] ^= 0x80;

        var error = Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(_decryptor, ciphertext));
        Assert.Contains("integrity check (MDC)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(1000)]
    [InlineData(65_536)]
    [InlineData(200_000)]
    public void Decrypt_fails_when_ciphertext_is_truncated(int missingBytes)
    {
        var ciphertext = Ciphertext();

        Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(_decryptor, ciphertext[..^missingBytes]));
    }

    [Fact]
    public void Decrypt_fails_when_truncated_at_every_packet_boundary()
    {
        var ciphertext = Ciphertext();
        // Partial-length chunks are 64 KiB plus a one-byte length header; cutting exactly between
        // two of them is the case most likely to look like a clean end.
        for (var cut = 1; cut * 65_537 < ciphertext.Length; cut++)
        {
            foreach (var length in new[] { cut * 65_537, cut * 65_537 + 300, cut * 65_537 + 301, cut * 65_537 + 302 })
            {
                Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(_decryptor, ciphertext[..length]));
            }
        }
    }

    [Fact]
    public void Decrypt_fails_on_data_that_is_not_openpgp()
    {
        var error = Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(_decryptor, "PGDMP custom dump"u8.ToArray()));
        Assert.Contains("not an", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_fails_on_an_empty_artefact()
    {
        Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(_decryptor, []));
    }
}
