using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

public class BackupRoundTripTests
{
    [Fact]
    public async Task Backup_to_s3rver_decrypts_with_gpg_decompresses_with_zstd_and_restores_identically()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: true);
        var result = await bed.Get<BackupPipeline>().RunAsync();
        var manifest = result.Manifest;
        Assert.Equal(3, manifest.Tables.Count);
        Assert.Equal(50_000, manifest.Tables.Sum(t => t.Rows));
        Assert.Equal("zstd", manifest.Compression);
        Assert.EndsWith(".dump.zst.pgp", manifest.Key, StringComparison.Ordinal);

        // Fetch the stored bytes and go the responder's way: gpg, zstd, pg_restore.
        var work = Directory.CreateTempSubdirectory("leopass-manual-").FullName;
        var encrypted = Path.Combine(work, manifest.Key);
        await using (var stored = await bed.Get<IArtefactStore>().OpenReadAsync(manifest.Key))
        await using (var file = File.Create(encrypted))
        {
            await stored.CopyToAsync(file);
        }
        Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(encrypted))));
        using var gpg = await GpgHome.WithPrivateKeyAsync(TestKeys.Shared.PrivateKeyPath, TestKeys.Passphrase);
        var decrypted = Path.Combine(work, "dump.zst");
        var decrypt = await gpg.DecryptAsync(encrypted, decrypted, TestKeys.Passphrase);
        Assert.True(decrypt.ExitCode == 0, "gpg --decrypt failed: " + decrypt);
        var dump = Path.Combine(work, "leopass.dump");
        var unzstd = await ExternalTool.RunAsync("zstd", ["-d", "-q", "-f", decrypted, "-o", dump]);
        Assert.True(unzstd.ExitCode == 0, "zstd -d failed: " + unzstd);
        Assert.Equal(manifest.Sizes.DumpBytes, new FileInfo(dump).Length);

        var target = await bed.NewTargetAsync();
        var restore = await ExternalTool.RunAsync("pg_restore", ["--no-owner", "--dbname", target.Url, dump]);
        Assert.True(restore.ExitCode == 0, "pg_restore failed: " + restore);
        Assert.Equal(await SampleData.FingerprintAsync(bed.Source.ConnectionString), await SampleData.FingerprintAsync(target.ConnectionString));
        Directory.Delete(work, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restore_command_path_gives_identical_content(bool useS3)
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3);
        var backup = await bed.Get<BackupPipeline>().RunAsync();
        var target = await bed.NewTargetAsync();
        var result = await bed.Get<PlainRestore>().RunAsync("latest", target.ConnectionString, jobs: 2, noOwner: true, Path.Combine(bed.BackupDirectory, ".restore"));
        Assert.Equal(backup.Key, result.Key);
        Assert.Equal(await SampleData.FingerprintAsync(bed.Source.ConnectionString), await SampleData.FingerprintAsync(target.ConnectionString));
        // The decrypted plaintext dump never outlives the restore.
        Assert.Empty(Directory.GetFiles(Path.Combine(bed.BackupDirectory, ".restore")));
    }

    [Fact]
    public async Task Gzip_and_no_compression_round_trip_too()
    {
        foreach (var compression in new[] { "gzip", "none" })
        {
            await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 5_000, configure: e => e["BACKUP_COMPRESSION"] = compression);
            var backup = await bed.Get<BackupPipeline>().RunAsync();
            Assert.Equal(compression, backup.Manifest.Compression);
            var target = await bed.NewTargetAsync();
            await bed.Get<PlainRestore>().RunAsync(backup.Key, target.ConnectionString, 1, true, Path.Combine(bed.BackupDirectory, ".restore"));
            Assert.Equal(await SampleData.FingerprintAsync(bed.Source.ConnectionString), await SampleData.FingerprintAsync(target.ConnectionString));
        }
    }

    [Fact]
    public async Task New_node_with_empty_catalogue_recovers_the_list_from_manifests()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: true, rows: 2_000);
        var first = await bed.Get<BackupPipeline>().RunAsync();
        await using var freshRecovery = await PostgresServer.CreateDatabaseAsync("rec2");
        var freshCatalogue = new BackupCatalogue(freshRecovery.ConnectionString, TimeProvider.System);
        await freshCatalogue.MigrateAsync();
        Assert.Empty(await freshCatalogue.ListAsync());
        var refreshed = await freshCatalogue.RefreshFromStoreAsync(bed.Get<IArtefactStore>(), bed.Get<ManifestReader>());
        Assert.Equal((1, 0), (refreshed.Added, refreshed.Removed));
        Assert.Empty(refreshed.Refused);
        var entry = Assert.Single(await freshCatalogue.ListAsync());
        Assert.Equal(first.Key, entry.Key);
        Assert.Equal(first.Manifest.Sha256, entry.Sha256);
    }

    [Fact]
    public async Task Manifest_is_written_after_the_artefact_and_describes_it()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 2_000);
        var observer = new RecordingObserver();
        var result = await bed.Get<BackupPipeline>().RunAsync(observer);
        Assert.True(observer.Stages.ToList().IndexOf("manifest") > observer.Stages.ToList().IndexOf("dump"));
        var store = bed.Get<IArtefactStore>();
        var head = await store.HeadAsync(result.Key);
        Assert.Equal(result.Manifest.Sizes.StoredBytes, head!.Size);
        Assert.NotNull(await store.HeadAsync(ArtefactKey.ManifestOf(result.Key)));
        Assert.Equal(TestKeys.Shared.Fingerprint, result.Manifest.Encryption.RecipientFingerprint);
        Assert.StartsWith("pg_dump (PostgreSQL)", result.Manifest.Database.PgDumpVersion, StringComparison.Ordinal);
    }
}
