using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace LeoPass.Recovery.Server.Metrics;

/// <summary>
/// GET /metrics in Prometheus's text format. Served without a token by default (Prometheus usually
/// scrapes on a private network, and the values are ages, sizes and counts, no secret); with
/// LEOPASS_METRICS_TOKEN_REQUIRED=true it needs a viewer token (Prometheus: <c>authorization: { credentials: lpr_… }</c>).
/// </summary>
public static class MetricsEndpoint
{
    public static IServiceCollection AddRecoveryMetrics(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RecoveryMetrics(ActivatorUtilities.CreateInstance<RecoveryMetrics.Services>(sp)));
        services.AddHostedService<StepDurationBridge>();
        return services;
    }

    public static IEndpointConventionBuilder MapRecoveryMetrics(this WebApplication app)
    {
        var endpoint = app.MapMetrics("/metrics", app.Services.GetRequiredService<RecoveryMetrics>().Registry);
        return app.Services.GetRequiredService<RecoverySettings>().Node.MetricsTokenRequired
            ? endpoint.RequireAuthorization(RolePolicies.Viewer)
            : endpoint.AllowAnonymous();
    }
}
