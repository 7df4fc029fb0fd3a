using LeoPass.Recovery.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>
/// Runs the <see cref="ClusterWatchdog"/> on a server node every LEOPASS_WATCHDOG_INTERVAL (1 minute
/// by default), first right after start. Every server runs it; the watchdog's row lock makes one
/// node at a time do the check, so the watch survives any node.
/// </summary>
public sealed class WatchdogService(ClusterWatchdog watchdog, RecoverySettings settings, TimeProvider clock, ILogger<WatchdogService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await watchdog.CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly away; the next round tries again.
                logger.LogWarning("watchdog check failed: {Error}", e.Message);
            }
            try
            {
                await Task.Delay(settings.Node.WatchdogInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
