using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Scheduling;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;
using Quartz;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>/api/status/schedule: when each scheduled definition (nightly backup, drills) runs next, read from the cluster's Quartz triggers.</summary>
public static class ScheduleApi
{
    public static RouteHandlerBuilder MapScheduleApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/status/schedule", GetSchedule).WithName("GetSchedule").WithTags("Status").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("When each scheduled definition (those with a cron trigger) runs next, from the cluster's triggers");

    public static async Task<Ok<IReadOnlyList<ScheduledDefinition>>> GetSchedule(DefinitionCatalog catalog, ISchedulerFactory schedulers, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var scheduled = new List<ScheduledDefinition>();
        foreach (var definition in await catalog.ListLatestAsync(cancellationToken))
        {
            // CronTriggers keeps one pending one-shot trigger per cron definition; its data says which cron it follows.
            var next = (await scheduler.GetTriggersOfJob(CronTriggers.KeyFor(definition.DefinitionId), cancellationToken))
                .Where(t => t.NextFireTimeUtc is not null).MinBy(t => t.NextFireTimeUtc);
            if (next is null) continue;
            scheduled.Add(new ScheduledDefinition(definition.DefinitionId, definition.Title,
                next.JobDataMap.GetString(CronRunJob.CronKey), next.JobDataMap.GetString(CronRunJob.TimeZoneKey), next.NextFireTimeUtc));
        }
        return TypedResults.Ok<IReadOnlyList<ScheduledDefinition>>(scheduled.OrderBy(s => s.NextRunAt).ToList());
    }
}
