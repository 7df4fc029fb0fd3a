using LeoPass.Recovery.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>
/// With --verbose (or LEOPASS_LOG_LEVEL=Debug), the first line a process logs is the
/// configuration it bound — the answer to "which database is this pointed at?". Values are logged
/// as set: the redacting log sink masks every secret among them, like in every other line.
/// </summary>
public sealed class ConfigurationReport(RecoverySettings settings, NodeOptions node, ILogger<ConfigurationReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("{Role} configuration: {Variables}", node.Role, string.Join("; ", settings.Configured.Select(v => $"{v.Key}={v.Value}")));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
