using LeoPass.Recovery.Backup.Artefacts;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeoPass.Recovery.Server.Health;

/// <summary>Ready only when the artefact store can be listed: a node that cannot reach the backups can neither make nor restore one.</summary>
public sealed class ArtefactStoreHealthCheck(IArtefactStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in store.ListAsync(ArtefactKey.Prefix, cancellationToken)) break;
            return HealthCheckResult.Healthy($"{store.Description} can be listed");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{store.Description} cannot be listed: {e.Message}");
        }
    }
}
