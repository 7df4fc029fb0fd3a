using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Storage;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

/// <summary>
/// A seeded source database, an empty recovery database, a key pair and a store (a private
/// s3rver or a temporary directory), wired the way the product wires them, from environment
/// variables.
/// </summary>
public sealed class BackupTestBed : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private BackupTestBed() { }

    public required TestDatabase Source { get; init; }
    public required TestDatabase Recovery { get; init; }
    public S3rverProcess? S3 { get; init; }
    public required string BackupDirectory { get; init; }
    public required Dictionary<string, string?> Environment { get; init; }
    public ServiceProvider Services { get; private set; } = null!;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<BackupTestBed> CreateAsync(bool useS3, int rows = 50_000, Action<Dictionary<string, string?>>? configure = null)
    {
        var source = await PostgresServer.CreateDatabaseAsync("src");
        await SampleData.SeedAsync(source.ConnectionString, rows);
        var recovery = await PostgresServer.CreateDatabaseAsync("rec");
        var s3 = useS3 ? await S3rverProcess.StartNewAsync() : null;
        var keys = TestKeys.Shared;
        var backupDir = Directory.CreateTempSubdirectory("leopass-store-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = source.Url,
            ["RECOVERY_DATABASE_URL"] = recovery.Url,
            ["BACKUP_DIR"] = backupDir,
            ["BACKUP_ENCRYPTION_PUBLIC_KEY"] = keys.PublicKeyPath,
            ["BACKUP_DECRYPTION_PRIVATE_KEY"] = keys.PrivateKeyPath,
            ["BACKUP_DECRYPTION_PASSPHRASE"] = TestKeys.Passphrase,
        };
        if (s3 is not null)
        {
            environment["OCI_BUCKET"] = s3.Bucket;
            environment["OCI_S3_ACCESS_KEY"] = S3rverProcess.AccessKey;
            environment["OCI_S3_SECRET_KEY"] = S3rverProcess.SecretKey;
            environment["OCI_S3_ENDPOINT"] = s3.Endpoint.ToString();
        }
        configure?.Invoke(environment);
        var bed = new BackupTestBed { Source = source, Recovery = recovery, S3 = s3, BackupDirectory = backupDir, Environment = environment };
        bed.Rewire();
        await bed.Get<BackupCatalogue>().MigrateAsync();
        return bed;
    }

    /// <summary>Rebuilds the services from <see cref="Environment"/> (after a test changed it).</summary>
    public void Rewire(Func<IArtefactStore>? store = null)
    {
        var settings = RecoverySettings.Load(new EnvironmentReader(Environment));
        var services = new ServiceCollection()
            .AddSingleton(settings)
            .AddSingleton(SecretRedactor.Shared)
            .AddSingleton(TimeProvider.System)
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddHttpClient()
            .AddBackup();
        if (store is not null) services.AddSingleton(_ => store());
        Services = services.BuildServiceProvider();
    }

    public async Task<TestDatabase> NewTargetAsync()
    {
        var target = await PostgresServer.CreateDatabaseAsync("tgt");
        _owned.Add(target);
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        foreach (var owned in _owned) await owned.DisposeAsync();
        await Source.DisposeAsync();
        await Recovery.DisposeAsync();
        if (S3 is not null) await S3.DisposeAsync();
        try { Directory.Delete(BackupDirectory, recursive: true); } catch (IOException) { }
    }
}
