using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Storage;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// What an operator configures for `leopass-recovery backup …`: a seeded source database, the
/// recovery database, a key pair, a store, and a recording server standing in for Uptime
/// Kuma, Sentry and the Ops webhook.
/// </summary>
public sealed class CliBackupEnvironment : IAsyncDisposable
{
    public const string Passphrase = "cli-test-passphrase-9137";
    public const string DatabasePassword = "src-pw-5521";

    private static readonly Lazy<GeneratedKeyPair> Keys = new(() =>
        OpenPgpKeyPairGenerator.Generate(Path.Combine(Directory.CreateTempSubdirectory("leopass-e2e-keys-").FullName, "k"),
            new KeyPairGenerationOptions { Passphrase = Passphrase }));

    private CliBackupEnvironment(TestDatabase source, TestDatabase recovery, S3rverProcess? s3, RecordingHttpServer alerts, string backupDir)
    {
        Source = source;
        Recovery = recovery;
        S3 = s3;
        Alerts = alerts;
        BackupDirectory = backupDir;
    }

    public TestDatabase Source { get; }
    public TestDatabase Recovery { get; }
    public S3rverProcess? S3 { get; }
    public RecordingHttpServer Alerts { get; }
    public string BackupDirectory { get; }
    public Dictionary<string, string?> Variables { get; } = [];
    public static GeneratedKeyPair KeyPair => Keys.Value;

    public static async Task<CliBackupEnvironment> CreateAsync(bool useS3, int rows = 5_000)
    {
        var source = await PostgresServer.CreateDatabaseAsync("e2esrc");
        await SampleData.SeedAsync(source.ConnectionString, rows);
        var recovery = await PostgresServer.CreateDatabaseAsync("e2erec");
        var s3 = useS3 ? await S3rverProcess.StartNewAsync() : null;
        var env = new CliBackupEnvironment(source, recovery, s3, new RecordingHttpServer(), Directory.CreateTempSubdirectory("leopass-e2e-store-").FullName);
        env.Variables["DATABASE_URL"] = source.Url;
        env.Variables["RECOVERY_DATABASE_URL"] = recovery.Url;
        env.Variables["BACKUP_DIR"] = env.BackupDirectory;
        env.Variables["BACKUP_ENCRYPTION_PUBLIC_KEY"] = KeyPair.PublicKeyPath;
        env.Variables["BACKUP_DECRYPTION_PRIVATE_KEY"] = KeyPair.PrivateKeyPath;
        env.Variables["BACKUP_DECRYPTION_PASSPHRASE"] = Passphrase;
        env.Variables["UPTIME_KUMA_PUSH_URL"] = env.Alerts.Url("/api/push/kumatoken77?status=up&msg=OK&ping=").ToString();
        env.Variables["OPS_WEBHOOK_URL"] = env.Alerts.Url("/ops-hook").ToString();
        env.Variables["SENTRY_DSN"] = $"http://sentrykey4242@127.0.0.1:{env.Alerts.Port}/17";
        if (s3 is not null)
        {
            env.Variables["OCI_BUCKET"] = s3.Bucket;
            env.Variables["OCI_S3_ACCESS_KEY"] = S3rverProcess.AccessKey;
            env.Variables["OCI_S3_SECRET_KEY"] = S3rverProcess.SecretKey;
            env.Variables["OCI_S3_ENDPOINT"] = s3.Endpoint.ToString();
        }
        return env;
    }

    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(Variables, TimeSpan.FromMinutes(5), args);

    /// <summary>The store the CLI writes to, as the configuration names it, for a test to look into directly.</summary>
    public IArtefactStore OpenStore() => ArtefactStoreFactory.Create(RecoverySettings.Load(new EnvironmentReader(Variables)).Storage);

    /// <summary>
    /// Adds a table of incompressible rows, so the artefact spans several 8 MiB upload parts (about
    /// 17 MB stored for the default row count) and pg_dump is still writing while the first parts go up.
    /// </summary>
    public Task AddBulkAsync(int rows = 300_000) => Source.ExecuteAsync($"""
        CREATE TABLE bulk AS SELECT i AS id, md5(random()::text) || md5(random()::text) || gen_random_uuid()::text AS noise
        FROM generate_series(1, {rows}) i
        """);

    public async ValueTask DisposeAsync()
    {
        await Alerts.DisposeAsync();
        if (S3 is not null) await S3.DisposeAsync();
        await Source.DisposeAsync();
        await Recovery.DisposeAsync();
        try { Directory.Delete(BackupDirectory, recursive: true); } catch (IOException) { }
    }
}
