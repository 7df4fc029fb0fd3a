using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>/health: anonymous, for load balancers and the Docker HEALTHCHECK. Says nothing secret.</summary>
public static class HealthApi
{
    public const string ReadyTag = "ready";

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        api.MapGet("/live", Live).WithName("GetLiveness").WithSummary("The process is up (no dependency is checked)");
        api.MapGet("/ready", Ready).WithName("GetReadiness").WithSummary("The recovery database and the artefact store answer; 503 otherwise");
        return api;
    }

    public static Ok<HealthAnswer> Live() => TypedResults.Ok(new HealthAnswer("Healthy", []));

    public static async Task<Results<Ok<HealthAnswer>, JsonHttpResult<HealthAnswer>>> Ready(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), cancellationToken);
        var answer = new HealthAnswer(report.Status.ToString(),
            report.Entries.Select(e => new HealthEntry(e.Key, e.Value.Status.ToString(), e.Value.Description, e.Value.Duration)).ToList());
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(answer)
            : TypedResults.Json(answer, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
