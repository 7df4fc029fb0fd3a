using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Runbook.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook;

public static class RunbookServiceCollectionExtensions
{
    /// <summary>Registers every product activity: the nightly backup's steps and the restore runbook's nine.</summary>
    public static IServiceCollection AddRunbookActivities(this IServiceCollection services)
    {
        services.AddHostedService<CatalogueMigration>();
        services.AddSingleton<BackupFailureAlert>();
        services.AddActivity<DumpAndUploadActivity>();
        services.AddActivity<VerifyBackupActivity>();
        services.AddActivity<PruneBackupsActivity>();
        services.AddActivity<NotifyBackupActivity>();
        return services;
    }
}
