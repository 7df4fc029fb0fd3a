using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Runbook.Aborts;
using LeoPass.Recovery.Runbook.Alerts;
using LeoPass.Recovery.Runbook.Application;
using LeoPass.Recovery.Runbook.Backup;
using LeoPass.Recovery.Runbook.Dns;
using LeoPass.Recovery.Runbook.Infrastructure;
using LeoPass.Recovery.Runbook.Pitr;
using LeoPass.Recovery.Runbook.Preflight;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Runbook.Restore;
using LeoPass.Recovery.Runbook.Traffic;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook;

public static class RunbookServiceCollectionExtensions
{
    /// <summary>HTTP client of the runbook (Cloudflare, hooks, incident tracker); request logging off, as hook URLs and headers may carry tokens.</summary>
    public const string HttpClientName = "runbook";

    /// <summary>Registers every product activity: the nightly backup's steps, the restore runbook's nine, and the DR rehearsal's infrastructure check, DNS failover and failback.</summary>
    public static IServiceCollection AddRunbookActivities(this IServiceCollection services)
    {
        services.AddHostedService<CatalogueMigration>();
        services.AddSingleton<RunLinks>();
        services.AddSingleton<BackupAlerts>();
        services.AddSingleton<IRunObserver, BackupRunAlerts>();
        services.AddActivity<DumpAndUploadActivity>();
        services.AddActivity<VerifyBackupActivity>();
        services.AddActivity<PruneBackupsActivity>();
        services.AddActivity<NotifyBackupActivity>();
        services.AddActivity<RecordRestoreVerifiedActivity>();
        services.AddSingleton<IRunObserver, RestoreVerificationFailures>();

        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddSingleton<RestoreTargetPlan>();
        services.AddSingleton<RestorePointResolver>();
        services.AddSingleton<DumpFiles>();
        services.AddSingleton<BackgroundDeletions>();
        services.AddSingleton<DumpCleanup>();
        services.AddSingleton<IExecutionStoppedListener>(sp => sp.GetRequiredService<DumpCleanup>());
        services.AddHostedService(sp => sp.GetRequiredService<DumpCleanup>());
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<DumpCleanup>());
        services.AddSingleton<IRunObserver, AbortedRestoreTarget>();
        services.AddSingleton<RunReportBuilder>();
        services.AddSingleton<Prediction.RtoPredictor>();
        services.AddSingleton<Watchdog.IRecoveryPointSource, Watchdog.CatalogueRecoveryPoints>();
        services.AddSingleton<Watchdog.IRecoveryPointSource, Watchdog.WalRecoveryPoints>();
        services.AddSingleton<Watchdog.RpoWatch>();
        services.AddSingleton<Watchdog.IWatch>(sp => sp.GetRequiredService<Watchdog.RpoWatch>());
        services.AddSingleton<Watchdog.IWatch, Watchdog.PredictedRtoWatch>();
        services.AddSingleton<Watchdog.IWatch, Watchdog.WalAgeWatch>();
        services.AddSingleton<Watchdog.ClusterWatchdog>();
        services.AddSingleton<IRunStartCheck, RunbookStartCheck>();
        services.AddActivity<CheckInfrastructureActivity>();
        services.AddActivity<QuarantineTrafficActivity>();
        services.AddActivity<ProvisionDatabaseActivity>();
        services.AddActivity<DownloadArtefactActivity>();
        services.AddActivity<RestoreActivity>();
        services.AddActivity<RunMigrationsActivity>();
        services.AddActivity<ReconfigureServicesActivity>();
        services.AddActivity<ValidationActivity>();
        services.AddActivity<FailoverDnsActivity>();
        services.AddActivity<ReopenTrafficActivity>();
        services.AddActivity<FailbackDnsActivity>();
        services.AddActivity<PostMortemActivity>();
        services.AddActivity<DropRestoreTargetActivity>();

        // Point-in-time recovery: base backups, restores to a moment, their checks, retention.
        services.AddActivity<BaseBackupActivity>();
        services.AddActivity<PitrRestoreActivity>();
        services.AddActivity<PitrValidateActivity>();
        services.AddActivity<RemoveRecoveryClusterActivity>();
        services.AddActivity<PitrPruneActivity>();
        services.AddSingleton<IRunStartCheck, PitrStartCheck>();
        services.AddSingleton<IRunObserver, AbortedRecoveryCluster>();
        return services;
    }
}
