using LeoPass.Recovery.Backup.Compression;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Tests.Encryption;
using LeoPass.Recovery.Core.Configuration;

namespace LeoPass.Recovery.Backup.Tests.Compression;

/// <summary>The two stages chained the way the backup pipeline chains them, read back with the CLI tools.</summary>
[Collection(OpenPgpKeysCollection.Name)]
public sealed class CompressThenEncryptTests(OpenPgpKeysFixture keys) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("leopass-chain");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Gpg_then_zstd_cli_recover_a_compressed_encrypted_artefact()
    {
        var data = Plaintexts.Random(2_000_000);
        var artefact = Path.Combine(_work.FullName, "dump.zst.pgp");
        var recipient = OpenPgpRecipient.Load(keys.Unprotected.PublicKeyPath);

        // Disposal order matters: the compressor must finish its frame before the encryptor writes its MDC.
        await using (var file = File.Create(artefact))
        await using (var encrypting = recipient.OpenEncryptingStream(file, leaveOpen: true, "dump.zst"))
        await using (var compressing = CompressionStreams.Compress(encrypting, CompressionKind.Zstd, leaveOpen: true))
        {
            await compressing.WriteAsync(data);
        }

        await keys.Gpg.DecryptAsync(artefact, Path.Combine(_work.FullName, "dump.zst"));
        await ExternalTool.RunAsync("zstd", ["-d", "-q", "-f", Path.Combine(_work.FullName, "dump.zst"), "-o", Path.Combine(_work.FullName, "dump")]);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(_work.FullName, "dump")));

        var decryptor = OpenPgpDecryptor.Load(keys.Unprotected.PrivateKeyPath, passphrase: null);
        using var restored = new MemoryStream();
        await using (var decrypting = decryptor.OpenDecryptingStream(File.OpenRead(artefact), leaveOpen: false))
        await using (var decompressing = CompressionStreams.Decompress(decrypting, CompressionKind.Zstd, leaveOpen: true))
        {
            await decompressing.CopyToAsync(restored);
        }
        Assert.Equal(data, restored.ToArray());
    }
}
