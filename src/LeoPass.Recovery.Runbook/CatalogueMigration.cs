using LeoPass.Recovery.Backup.Catalogue;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Runbook;

/// <summary>Creates or upgrades the backup catalogue when an engine host starts, before any backup activity can need it.</summary>
public sealed class CatalogueMigration(BackupCatalogue catalogue) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => catalogue.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
