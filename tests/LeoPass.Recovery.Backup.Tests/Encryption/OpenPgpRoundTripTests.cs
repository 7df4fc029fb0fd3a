using LeoPass.Recovery.Backup.Encryption;

namespace LeoPass.Recovery.Backup.Tests.Encryption;

[Collection(OpenPgpKeysCollection.Name)]
public sealed class OpenPgpRoundTripTests(OpenPgpKeysFixture keys)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(65_536)] // exactly one partial-length packet
    [InlineData(5 * 1024 * 1024 + 17)]
    public void Decrypt_returns_the_encrypted_bytes(int length)
    {
        var recipient = OpenPgpRecipient.Load(keys.Protected.PublicKeyPath);
        var decryptor = OpenPgpDecryptor.Load(keys.Protected.PrivateKeyPath, OpenPgpKeysFixture.Passphrase);
        var plaintext = Plaintexts.Random(length);

        var ciphertext = Plaintexts.Encrypt(recipient, plaintext);

        Assert.Equal(plaintext, Plaintexts.Decrypt(decryptor, ciphertext));
    }

    [Fact]
    public async Task Async_writes_and_reads_round_trip()
    {
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);
        var decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);
        var plaintext = Plaintexts.Random(300_000);

        using var ciphertext = new MemoryStream();
        await using (var encrypting = recipient.OpenEncryptingStream(ciphertext, leaveOpen: true))
        {
            await encrypting.WriteAsync(plaintext);
        }
        ciphertext.Position = 0;
        using var decrypted = new MemoryStream();
        await using (var decrypting = decryptor.OpenDecryptingStream(ciphertext, leaveOpen: true))
        {
            await decrypting.CopyToAsync(decrypted);
        }

        Assert.Equal(plaintext, decrypted.ToArray());
    }

    [Fact]
    public void Encrypting_stream_disposes_the_output_only_without_leaveOpen()
    {
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);
        var kept = new MemoryStream();
        var owned = new MemoryStream();

        recipient.OpenEncryptingStream(kept, leaveOpen: true).Dispose();
        recipient.OpenEncryptingStream(owned, leaveOpen: false).Dispose();

        Assert.True(kept.CanWrite);
        Assert.False(owned.CanWrite);
    }

    [Fact]
    public void Decrypting_stream_disposes_the_input_only_without_leaveOpen()
    {
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);
        var decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);
        var ciphertext = Plaintexts.Encrypt(recipient, [1, 2, 3]);
        var kept = new MemoryStream(ciphertext);
        var owned = new MemoryStream(ciphertext);

        decryptor.OpenDecryptingStream(kept, leaveOpen: true).Dispose();
        decryptor.OpenDecryptingStream(owned, leaveOpen: false).Dispose();

        Assert.True(kept.CanRead);
        Assert.False(owned.CanRead);
    }

    [Fact]
    public void Recipient_and_decryptor_report_the_generated_fingerprint()
    {
        var recipient = OpenPgpRecipient.Load(keys.Protected.PublicKeyPath);
        var decryptor = OpenPgpDecryptor.Load(keys.Protected.PrivateKeyPath, OpenPgpKeysFixture.Passphrase);

        Assert.Equal(keys.Protected.Fingerprint, recipient.Fingerprint);
        Assert.Matches("^[0-9A-F]{40}$", recipient.Fingerprint);
        Assert.Equal(keys.Protected.EncryptionKeyId, recipient.EncryptionKeyId);
        Assert.Equal(keys.Protected.Fingerprint, decryptor.Fingerprint);
        Assert.Contains(recipient.EncryptionKeyId, decryptor.KeyIds);
        Assert.Equal([KeyPairGenerationOptions.DefaultUserId], recipient.UserIds);
    }

    [Fact]
    public void Encrypting_stream_leaves_the_message_unfinished_when_the_output_fails()
    {
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);
        var output = new FailingAfterStream(200_000);

        var encrypting = recipient.OpenEncryptingStream(output, leaveOpen: true);
        Assert.Throws<IOException>(() => encrypting.Write(Plaintexts.Random(1_000_000)));
        encrypting.Dispose(); // must not throw again, nor try to finish the message on the broken output

        var decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);
        Assert.Throws<ArtefactIntegrityException>(() => Plaintexts.Decrypt(decryptor, output.Written.ToArray()));
    }

    /// <summary>An upload that breaks after some bytes.</summary>
    private sealed class FailingAfterStream(int limit) : MemoryStream
    {
        public MemoryStream Written { get; } = new();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Written.Length + buffer.Length > limit) throw new IOException("connection reset");
            Written.Write(buffer);
        }
    }
}
