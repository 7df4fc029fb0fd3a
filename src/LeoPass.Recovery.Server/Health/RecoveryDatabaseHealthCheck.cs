using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Server.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace LeoPass.Recovery.Server.Health;

/// <summary>Ready only when the orchestrator's own database answers: without it no run can start or continue.</summary>
public sealed class RecoveryDatabaseHealthCheck(EngineConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = new NpgsqlConnection(connection.ConnectionString);
            await db.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", db);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("the recovery database answers");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"the recovery database does not answer: {e.Message}");
        }
    }
}
