using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Server.Access;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>Before the API takes requests: the access tables (tokens, idempotency keys, audit) and the backup catalogue exist.</summary>
public sealed class AccessStartup(TokenStore tokens, BackupCatalogue catalogue) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await tokens.MigrateAsync(cancellationToken);
        await catalogue.MigrateAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
