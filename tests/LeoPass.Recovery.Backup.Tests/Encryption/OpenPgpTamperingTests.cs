using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

/// <summary>A damaged artefact must fail loudly, never decrypt to a shorter or altered dump.</summary>
[Collection(OpenPgpKeysCollection.Name)]
public sealed class OpenPgpTamperingTests(OpenPgpKeysFixture keys)
{
    private const int PlaintextLength = 1_200_000; // several 256 KiB chunks of the encrypted packet

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
        // Cutting exactly between two partial-length chunks of the encrypted packet is the case
        // most likely to look like a clean end; the boundaries come from the packet headers.
        var boundaries = EncryptedChunkBoundaries(ciphertext);
        Assert.True(boundaries.Count >= 3, $"the test message should span several chunks, not {boundaries.Count}");
        foreach (var boundary in boundaries.Where(b => b < ciphertext.Length))
        {
            foreach (var length in new[] { boundary - 1, boundary, boundary + 1, boundary + 22 })
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

    /// <summary>Offsets where each partial-length chunk of the encrypted data packet ends (RFC 4880 §4.2.2).</summary>
    private static List<int> EncryptedChunkBoundaries(byte[] message)
    {
        var offset = 0;
        while (true)
        {
            var header = message[offset++];
            if ((header & 0x40) == 0)
            {
                // Old-format header (the session key packet): the length's size is in the low two bits.
                var size = 1 << (header & 3);
                var length = 0;
                for (var i = 0; i < size; i++) length = (length << 8) | message[offset++];
                offset += length;
                continue;
            }
            if ((header & 0x3F) == 18) break; // the encrypted data packet
            offset += PacketBodyLength(message, ref offset, out _);
        }
        var boundaries = new List<int>();
        bool partial;
        do
        {
            var length = PacketBodyLength(message, ref offset, out partial);
            offset += length;
            boundaries.Add(offset);
        } while (partial);
        return boundaries;
    }

    private static int PacketBodyLength(byte[] message, ref int offset, out bool partial)
    {
        var first = message[offset++];
        partial = first is >= 224 and < 255;
        if (first < 192) return first;
        if (first < 224) return ((first - 192) << 8) + message[offset++] + 192;
        if (partial) return 1 << (first & 0x1F);
        var length = (message[offset] << 24) | (message[offset + 1] << 16) | (message[offset + 2] << 8) | message[offset + 3];
        offset += 4;
        return length;
    }
}
