using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>Before the API takes requests: the access tables (tokens, idempotency keys, audit) exist. (The runbook's host service migrates the catalogue.)</summary>
public sealed class AccessStartup(TokenStore tokens) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => tokens.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
