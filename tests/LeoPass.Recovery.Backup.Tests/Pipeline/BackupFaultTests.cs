using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Backup.Verification;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

public class BackupFaultTests
{
    [Fact]
    public async Task Flipped_byte_fails_verify_naming_the_mismatch_and_restore_refuses_it()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 5_000);
        var backup = await bed.Get<BackupPipeline>().RunAsync();
        var path = Path.Combine(bed.BackupDirectory, backup.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var verify = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupVerifier>().VerifyAsync(backup.Key));
        Assert.Contains("SHA-256 mismatch", verify.Message, StringComparison.Ordinal);
        Assert.Contains(backup.Manifest.Sha256, verify.Message, StringComparison.Ordinal);
        var entry = await bed.Get<BackupCatalogue>().FindAsync(backup.Key);
        Assert.StartsWith(backup.Key + " is corrupt", entry!.LastVerifyResult, StringComparison.Ordinal);

        var targetName = "never_" + Guid.NewGuid().ToString("N")[..8];
        var target = PostgresConnectionString.WithDatabase(bed.Source.ConnectionString, targetName);
        var restore = await Assert.ThrowsAsync<BackupException>(() =>
            bed.Get<PlainRestore>().RunAsync(backup.Key, target, 1, true, Path.Combine(bed.BackupDirectory, ".restore")));
        Assert.Contains("SHA-256 mismatch", restore.Message, StringComparison.Ordinal);
        Assert.False(await PostgresServer.DatabaseExistsAsync(targetName), "a refused restore must not have created its target");
        // A corrupt backup is no longer "the latest verified" one.
        Assert.Null(await bed.Get<BackupCatalogue>().LatestVerifiedAsync());
    }

    [Fact]
    public async Task A_flipped_byte_in_the_session_key_packets_key_id_is_reported_as_corruption_not_as_a_wrong_key()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 100);
        var backup = await bed.Get<BackupPipeline>().RunAsync();
        var path = Path.Combine(bed.BackupDirectory, backup.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        // The first packet is the session key's: a header of 2-3 bytes, a version byte, then the 8-byte key id.
        bytes[6] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var verify = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupVerifier>().VerifyAsync(backup.Key));
        Assert.Contains("is corrupt: SHA-256 mismatch", verify.Message, StringComparison.Ordinal);
        Assert.IsType<DecryptionKeyException>(verify.InnerException);
    }

    [Fact]
    public async Task Wrong_s3_credentials_fail_before_the_dump_name_the_variables_and_catalogue_nothing()
    {
        // s3rver checks the access key id but not the SigV4 signature, so a wrong secret alone
        // would pass here; the Storage tests cover SignatureDoesNotMatch with a recorded 403.
        const string wrongSecret = "definitely-not-the-secret-42";
        await using var bed = await BackupTestBed.CreateAsync(useS3: true, rows: 1_000, configure: e =>
        {
            e["OCI_S3_ACCESS_KEY"] = "ROTATED-AWAY";
            e["OCI_S3_SECRET_KEY"] = wrongSecret;
        });
        var observer = new RecordingObserver();
        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupPipeline>().RunAsync(observer));
        Assert.Contains("OCI_S3_SECRET_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("dump", observer.Stages);
        Assert.Empty(await bed.Get<BackupCatalogue>().ListAsync());
    }

    [Fact]
    public async Task Unreachable_database_fails_with_a_clear_error_and_no_password()
    {
        const string password = "pw-that-must-not-leak";
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 10,
            configure: e => e["DATABASE_URL"] = $"postgresql://leopass:{password}@127.0.0.1:{FreePort.Next()}/leopass");
        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupPipeline>().RunAsync());
        Assert.Contains("cannot connect to the source database", error.Message, StringComparison.Ordinal);
        Assert.Contains("DATABASE_URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_public_key_is_refused_before_pg_dump_starts()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 10, configure: e => e.Remove("BACKUP_ENCRYPTION_PUBLIC_KEY"));
        var observer = new RecordingObserver();
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => bed.Get<BackupPipeline>().RunAsync(observer));
        Assert.Contains("BACKUP_ENCRYPTION_PUBLIC_KEY is not set", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dump", observer.Stages);
    }

    [Fact]
    public async Task Unusable_public_key_is_refused_before_pg_dump_starts()
    {
        var garbage = Path.GetTempFileName();
        await File.WriteAllTextAsync(garbage, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n");
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 10, configure: e => e["BACKUP_ENCRYPTION_PUBLIC_KEY"] = garbage);
        var observer = new RecordingObserver();
        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => bed.Get<BackupPipeline>().RunAsync(observer));
        Assert.Contains("BACKUP_ENCRYPTION_PUBLIC_KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dump", observer.Stages);
        Assert.Empty(Directory.GetFiles(bed.BackupDirectory));
    }

    [Fact]
    public async Task Restore_into_the_source_database_is_refused_before_anything_happens()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 100);
        await bed.Get<BackupPipeline>().RunAsync();
        var before = await SampleData.FingerprintAsync(bed.Source.ConnectionString);
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            bed.Get<PlainRestore>().RunAsync("latest", bed.Source.ConnectionString, 1, true, Path.Combine(bed.BackupDirectory, ".restore")));
        Assert.Contains("it is the source database named by DATABASE_URL", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SampleData.FingerprintAsync(bed.Source.ConnectionString));
    }

    [Fact]
    public async Task Unknown_backup_key_is_refused_with_a_hint()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 10);
        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupVerifier>().VerifyAsync("leopass-1999-01-01T000000Z.dump.zst.pgp"));
        Assert.Contains("no backup 'leopass-1999-01-01T000000Z.dump.zst.pgp'", error.Message, StringComparison.Ordinal);
        Assert.Contains("backup list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_private_key_fails_verification_clearly()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 100);
        var backup = await bed.Get<BackupPipeline>().RunAsync();
        var other = OpenPgpKeyPairGenerator.Generate(Path.Combine(Directory.CreateTempSubdirectory("leopass-other-").FullName, "k"));
        bed.Environment["BACKUP_DECRYPTION_PRIVATE_KEY"] = other.PrivateKeyPath;
        bed.Environment.Remove("BACKUP_DECRYPTION_PASSPHRASE");
        bed.Rewire();
        var error = await Assert.ThrowsAsync<DecryptionKeyException>(() => bed.Get<BackupVerifier>().VerifyAsync(backup.Key));
        Assert.Contains("BACKUP_DECRYPTION_PRIVATE_KEY", error.Message, StringComparison.Ordinal);
    }
}
