using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Backup.Retention;
using LeoPass.Recovery.Backup.Signing;
using LeoPass.Recovery.Backup.Verification;
using LeoPass.Recovery.Backup.BaseBackups;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Backup.Wal.Streaming;
using LeoPass.Recovery.Core.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Backup;

public static class BackupServiceCollectionExtensions
{
    /// <summary>
    /// Registers the backup half of the product. Settings are resolved lazily, so a command
    /// that needs no catalogue does not require RECOVERY_DATABASE_URL.
    /// </summary>
    public static IServiceCollection AddBackup(this IServiceCollection services)
    {
        // TryAdd: a test may put a store of its own (small parts, a fault-injecting proxy) in first.
        services.TryAddSingleton<IArtefactStore>(sp => ArtefactStoreFactory.Create(sp.GetRequiredService<RecoverySettings>().Storage, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BackupCatalogue(sp.GetRequiredService<RecoverySettings>().RequireRecoveryDatabase(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<RecoverySettings>().Backup);
        services.AddSingleton<BackupPipeline>();
        services.AddSingleton(sp => new PitrCatalogue(sp.GetRequiredService<RecoverySettings>().RequireRecoveryDatabase(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EncryptedUpload>();
        services.AddSingleton<CommitMarker>();
        services.AddSingleton<WalShipper>();
        services.AddSingleton<BaseBackupPipeline>();
        services.AddSingleton<WalStream>();
        services.AddSingleton<WalFetcher>();
        services.AddSingleton<RestoreWindowQuery>();
        services.AddSingleton<PitrRetention>();
        services.AddSingleton(sp => new WalStreamAlerts(sp.GetRequiredService<AlertDispatcher>(), sp.GetService<SecretRedactor>() ?? SecretRedactor.Shared,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<WalStreamAlerts>()));
        // The alert client's request logging is off: Kuma push URLs carry a token in their path.
        services.AddHttpClient(AlertServiceCollectionExtensions.HttpClientName).RemoveAllLoggers();
        services.AddSingleton(sp => AlertDispatcher.Create(
            sp.GetRequiredService<RecoverySettings>().Alerts,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(AlertServiceCollectionExtensions.HttpClientName),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<AlertDispatcher>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<SecretRedactor>() ?? SecretRedactor.Shared));
        services.AddSingleton<DecryptionKeys>();
        services.AddSingleton<ManifestSignatureCheck>();
        services.AddSingleton<ManifestReader>();
        services.AddSingleton<ArtefactReader>();
        services.AddSingleton<BackupVerifier>();
        services.AddSingleton<BackupPruner>();
        services.AddSingleton(sp => new PlainRestore(sp.GetRequiredService<ArtefactReader>(), sp.GetRequiredService<RecoverySettings>().SourceDatabase));
        return services;
    }
}
