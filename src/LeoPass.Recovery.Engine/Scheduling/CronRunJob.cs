using System.Globalization;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>
/// Fires a cron definition: starts one run (idempotency key = definition + intended fire time,
/// so even a duplicate firing cannot start two runs), then schedules the next occurrence. The
/// schedule is a chain of one-shot triggers computed with Cronos in the definition's time zone:
/// that keeps unix cron semantics exact (no conversion to Quartz's cron dialect) and gives the
/// misfire rule we want — a firing missed while no node was up fires once, as soon as one is.
/// </summary>
[DisallowConcurrentExecution]
public sealed class CronRunJob(RunOperations operations, CronTriggers triggers, TimeProvider time, ILogger<CronRunJob> logger) : IJob
{
    public const string DefinitionKey = "definition";
    public const string CronKey = "cron";
    public const string TimeZoneKey = "timeZone";
    public const string FireAtKey = "fireAt";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var definitionId = data.GetString(DefinitionKey)!;
        var fireAt = DateTimeOffset.Parse(data.GetString(FireAtKey)!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        var schedule = CronSchedule.Parse(data.GetString(CronKey)!, data.GetString(TimeZoneKey)!);
        try
        {
            var run = await operations.StartAsync(new StartRunRequest(
                definitionId,
                new Dictionary<string, string>(),
                Who: "scheduler",
                Trigger: "cron",
                IdempotencyKey: $"cron:{definitionId}:{fireAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"), cancellationToken);
            logger.LogInformation("cron {Cron} ({Zone}) fired {Definition} for {FireAt:O}: run {RunId}", schedule.Expression, schedule.TimeZone.Id, definitionId, fireAt, run.Id);
        }
        finally
        {
            // The next firing is after both the intended time and now: a firing that was missed
            // during an outage is made up once, not once per missed occurrence.
            var after = fireAt > time.GetUtcNow() ? fireAt : time.GetUtcNow();
            await triggers.ScheduleNextAsync(definitionId, schedule, after, replaceExisting: true, cancellationToken);
        }
    }
}
