using LeoPass.Recovery.Engine.Execution;
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
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(watchdog.CheckAsync, () => settings.Node.WatchdogInterval, clock, logger, "watchdog check", stoppingToken);
}
