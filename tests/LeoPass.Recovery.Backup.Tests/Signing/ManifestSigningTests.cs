using System.Text;
using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Tests.Pipeline;
using LeoPass.Recovery.Backup.Verification;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;
using GpgKeyring = LeoPass.Recovery.Backup.Tests.Encryption.GpgHome;

namespace LeoPass.Recovery.Backup.Tests.Signing;

/// <summary>
/// Signed backups: anyone holding the public key and write access to the store can make an
/// artefact and a manifest that pass every other check; with BACKUP_TRUSTED_SIGNERS set, only a
/// manifest signed by the backup host's key is believed.
/// </summary>
public class ManifestSigningTests
{
    private static void SignAsTheBackupHost(Dictionary<string, string?> environment)
    {
        environment["BACKUP_SIGNING_KEY"] = TestKeys.SigningKey.PrivateKeyPath;
        environment["BACKUP_SIGNING_PASSPHRASE"] = TestKeys.SigningPassphrase;
    }

    private static void TrustTheBackupHost(BackupTestBed bed)
    {
        bed.Environment["BACKUP_TRUSTED_SIGNERS"] = TestKeys.SigningKey.PublicKeyPath;
        bed.Rewire();
    }

    [Fact]
    public async Task A_signed_backup_writes_its_signature_before_the_manifest_and_is_verified_and_restored()
    {
        var order = new List<string>();
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 300, configure: e =>
        {
            SignAsTheBackupHost(e);
            e["BACKUP_TRUSTED_SIGNERS"] = TestKeys.SigningKey.PublicKeyPath;
        });
        var settings = RecoverySettings.Load(new EnvironmentReader(bed.Environment));
        bed.Rewire(() => new PutOrderRecordingStore(ArtefactStoreFactory.Create(settings.Storage), order));

        var backup = await bed.Get<BackupPipeline>().RunAsync();

        Assert.Equal([backup.Key, ArtefactKey.SignatureOf(backup.Key), ArtefactKey.ManifestOf(backup.Key)], order);
        Assert.Equal(TestKeys.SigningKey.Fingerprint, backup.Manifest.Signing?.SignerFingerprint);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", await File.ReadAllTextAsync(Path.Combine(bed.BackupDirectory, ArtefactKey.SignatureOf(backup.Key))), StringComparison.Ordinal);
        var verified = await bed.Get<BackupVerifier>().VerifyAsync(backup.Key);
        Assert.Equal(backup.Manifest.Sha256, verified.Sha256);
        var target = await bed.NewTargetAsync();
        var restored = await bed.Get<PlainRestore>().RunAsync("latest", target.ConnectionString, 1, true, Path.Combine(bed.BackupDirectory, ".restore"));
        Assert.Equal(backup.Key, restored.Key);
    }

    [Fact]
    public async Task Gpg_verify_accepts_the_signature_of_a_genuine_manifest()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 50, configure: SignAsTheBackupHost);
        var backup = await bed.Get<BackupPipeline>().RunAsync();
        using var gpg = new GpgKeyring();
        await gpg.ImportAsync(TestKeys.SigningKey.PublicKeyPath);

        var verify = await gpg.RunAsync("--trust-model", "always", "--verify",
            Path.Combine(bed.BackupDirectory, ArtefactKey.SignatureOf(backup.Key)), Path.Combine(bed.BackupDirectory, ArtefactKey.ManifestOf(backup.Key)));

        Assert.Contains("Good signature", verify.StandardError, StringComparison.Ordinal);
        Assert.Contains(TestKeys.SigningKey.Fingerprint, verify.StandardError.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_planted_unsigned_backup_made_with_the_public_key_is_refused_by_verify_restore_and_the_catalogue()
    {
        // The intruder: the public key and write access to the store, no signing key.
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 100);
        var planted = await bed.Get<BackupPipeline>().RunAsync();
        TrustTheBackupHost(bed);

        var verify = await Assert.ThrowsAsync<ManifestSignatureException>(() => bed.Get<BackupVerifier>().VerifyAsync(planted.Key));
        Assert.Contains($"backup {planted.Key} is not signed", verify.Message, StringComparison.Ordinal);
        Assert.Contains(TestKeys.SigningKey.Fingerprint, verify.Message, StringComparison.Ordinal);
        Assert.Contains("BACKUP_TRUSTED_SIGNERS", verify.Message, StringComparison.Ordinal);

        var targetName = "planted_" + Guid.NewGuid().ToString("N")[..8];
        var target = PostgresConnectionString.WithDatabase(bed.Source.ConnectionString, targetName);
        var restore = await Assert.ThrowsAsync<ManifestSignatureException>(() =>
            bed.Get<PlainRestore>().RunAsync("latest", target, 1, true, Path.Combine(bed.BackupDirectory, ".restore")));
        Assert.Contains("is not signed", restore.Message, StringComparison.Ordinal);
        Assert.False(await PostgresServer.DatabaseExistsAsync(targetName), "a refused restore must not have created its target");

        await using var freshRecovery = await PostgresServer.CreateDatabaseAsync("rec3");
        var freshCatalogue = new BackupCatalogue(freshRecovery.ConnectionString, TimeProvider.System);
        await freshCatalogue.MigrateAsync();
        var refreshed = await freshCatalogue.RefreshFromStoreAsync(bed.Get<IArtefactStore>(), bed.Get<ManifestReader>());
        Assert.Equal(0, refreshed.Added);
        Assert.Equal(ArtefactKey.ManifestOf(planted.Key), Assert.Single(refreshed.Refused).ManifestKey);
        Assert.Empty(await freshCatalogue.ListAsync());
    }

    [Fact]
    public async Task A_backup_signed_by_a_key_nobody_trusts_is_refused_naming_that_key()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 100, configure: e => e["BACKUP_SIGNING_KEY"] = TestKeys.IntruderKey.PrivateKeyPath);
        var planted = await bed.Get<BackupPipeline>().RunAsync();
        TrustTheBackupHost(bed);

        var error = await Assert.ThrowsAsync<ManifestSignatureException>(() => bed.Get<BackupVerifier>().VerifyAsync(planted.Key));

        Assert.Contains("which is not in BACKUP_TRUSTED_SIGNERS", error.Message, StringComparison.Ordinal);
        Assert.Contains(TestKeys.IntruderKey.Fingerprint[^16..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_genuine_signature_beside_a_changed_manifest_is_refused()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 100, configure: SignAsTheBackupHost);
        var genuine = await bed.Get<BackupPipeline>().RunAsync();
        TrustTheBackupHost(bed);
        // Point the signed manifest at other bytes: the check a restore trusts is the manifest's SHA-256.
        var manifestPath = Path.Combine(bed.BackupDirectory, ArtefactKey.ManifestOf(genuine.Key));
        var json = await File.ReadAllTextAsync(manifestPath);
        await File.WriteAllTextAsync(manifestPath, json.Replace(genuine.Manifest.Sha256, new string('0', 64), StringComparison.Ordinal), new UTF8Encoding(false));

        var error = await Assert.ThrowsAsync<ManifestSignatureException>(() => bed.Get<BackupVerifier>().VerifyAsync(genuine.Key));

        Assert.Contains("does not match the manifest: it was changed after signing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_manifest_copied_beside_another_key_is_refused()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 50, configure: SignAsTheBackupHost);
        var genuine = await bed.Get<BackupPipeline>().RunAsync();
        TrustTheBackupHost(bed);
        var other = ArtefactKey.For(DateTimeOffset.UtcNow.AddDays(1), CompressionKind.Zstd);
        foreach (var (from, to) in new[] { (genuine.Key, other), (ArtefactKey.ManifestOf(genuine.Key), ArtefactKey.ManifestOf(other)), (ArtefactKey.SignatureOf(genuine.Key), ArtefactKey.SignatureOf(other)) })
        {
            File.Copy(Path.Combine(bed.BackupDirectory, from), Path.Combine(bed.BackupDirectory, to));
        }

        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupVerifier>().VerifyAsync(other));

        Assert.Contains($"describes '{genuine.Key}', not '{other}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_signing_passphrase_fails_the_backup_before_pg_dump_starts()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 10, configure: e =>
        {
            SignAsTheBackupHost(e);
            e["BACKUP_SIGNING_PASSPHRASE"] = "not-the-passphrase";
        });
        var observer = new RecordingObserver();

        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupPipeline>().RunAsync(observer));

        Assert.Contains("BACKUP_SIGNING_PASSPHRASE does not unlock it", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-passphrase", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("dump", observer.Stages);
        Assert.Empty(Directory.GetFiles(bed.BackupDirectory));
    }

    [Fact]
    public async Task A_public_key_given_as_the_signing_key_is_refused_with_what_to_do()
    {
        await using var bed = await BackupTestBed.CreateAsync(useS3: false, rows: 10, configure: e => e["BACKUP_SIGNING_KEY"] = TestKeys.SigningKey.PublicKeyPath);

        var error = await Assert.ThrowsAsync<BackupException>(() => bed.Get<BackupPipeline>().RunAsync());

        Assert.Contains("it is a public key", error.Message, StringComparison.Ordinal);
        Assert.Contains("keys generate --signing", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Passes everything through and notes the order in which objects were written.</summary>
    private sealed class PutOrderRecordingStore(IArtefactStore inner, List<string> order) : IArtefactStore
    {
        public string Description => inner.Description;

        public async Task<StoredObject> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken cancellationToken = default)
        {
            var stored = await inner.PutAsync(key, content, options, cancellationToken);
            lock (order) order.Add(key);
            return stored;
        }

        public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);
        public Task<StoredObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);
        public IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);
        public Task AbortUploadAsync(string key, string uploadId, CancellationToken cancellationToken = default) => inner.AbortUploadAsync(key, uploadId, cancellationToken);
    }
}
