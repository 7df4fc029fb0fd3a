using LeoPass.Recovery.Backup.Wal.Streaming;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>The WAL stream as the background work of a server node (registered when WAL_STREAM=1): it runs for the node's life.</summary>
public sealed class WalStreamService(WalStream stream) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => stream.RunAsync(stoppingToken);
}
