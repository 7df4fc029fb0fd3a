using System.Globalization;
using LeoPass.Recovery.Engine.Definitions;
using Microsoft.Extensions.Logging;
using Quartz;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>Keeps one pending one-shot trigger per cron definition in the clustered job store.</summary>
public sealed class CronTriggers(ISchedulerFactory schedulers, TimeProvider time, ILogger<CronTriggers> logger)
{
    public const string Group = "cron";

    public static JobKey KeyFor(string definitionId) => new($"cron-{definitionId}", Group);

    /// <summary>
    /// Called by every node at start with the definitions it loaded. A trigger already stored for
    /// the same cron and time zone is kept, even when its time has passed: that is the firing
    /// missed while no node was up, and Quartz fires it once now. A changed cron replaces it.
    /// </summary>
    public async Task SyncAsync(IEnumerable<WorkflowDefinition> definitions, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var definition in definitions)
        {
            if (definition.Trigger.Type != WorkflowTriggerType.Cron || definition.Trigger.Cron is null)
            {
                // A definition that stopped being scheduled must not keep firing from an old trigger.
                foreach (var stale in await scheduler.GetTriggersOfJob(KeyFor(definition.Id), cancellationToken))
                {
                    await scheduler.UnscheduleJob(stale.Key, cancellationToken);
                }
                continue;
            }
            var schedule = CronSchedule.Parse(
                EnvironmentReferences.Resolve(definition.Trigger.Cron, environment),
                definition.Trigger.TimeZone is null ? "UTC" : EnvironmentReferences.Resolve(definition.Trigger.TimeZone, environment));
            var existing = await scheduler.GetTriggersOfJob(KeyFor(definition.Id), cancellationToken);
            var current = existing.Where(t => t.JobDataMap.GetString(CronRunJob.CronKey) == schedule.Expression
                                              && t.JobDataMap.GetString(CronRunJob.TimeZoneKey) == schedule.TimeZone.Id).ToList();
            if (current.Count >= 1 && current.Count == existing.Count)
            {
                logger.LogInformation("cron {Definition}: keeping trigger for {FireAt:O}", definition.Id, current[0].NextFireTimeUtc);
                continue;
            }
            await ScheduleNextAsync(definition.Id, schedule, time.GetUtcNow(), replaceExisting: true, cancellationToken);
        }
    }

    public async Task ScheduleNextAsync(string definitionId, CronSchedule schedule, DateTimeOffset after, bool replaceExisting, CancellationToken cancellationToken)
    {
        var next = schedule.NextAfter(after);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var jobKey = KeyFor(definitionId);
        if (replaceExisting)
        {
            foreach (var old in await scheduler.GetTriggersOfJob(jobKey, cancellationToken))
            {
                if (old.NextFireTimeUtc is { } t && next is not null && t == next.Value) continue;
                await scheduler.UnscheduleJob(old.Key, cancellationToken);
            }
        }
        if (next is null)
        {
            logger.LogWarning("cron {Definition}: '{Cron}' has no future occurrence", definitionId, schedule.Expression);
            return;
        }
        var job = JobBuilder.Create<CronRunJob>()
            .WithIdentity(jobKey)
            .UsingJobData(CronRunJob.DefinitionKey, definitionId)
            .StoreDurably()
            .Build();
        var fireAt = next.Value.ToUniversalTime();
        var trigger = TriggerBuilder.Create()
            // Named by its fire time: two nodes scheduling the same occurrence store one trigger.
            .WithIdentity($"cron-{definitionId}-{fireAt:yyyyMMddTHHmmssZ}", Group)
            .ForJob(jobKey)
            .UsingJobData(CronRunJob.CronKey, schedule.Expression)
            .UsingJobData(CronRunJob.TimeZoneKey, schedule.TimeZone.Id)
            .UsingJobData(CronRunJob.FireAtKey, fireAt.ToString("O", CultureInfo.InvariantCulture))
            .StartAt(fireAt)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
        logger.LogInformation("cron {Definition}: next run at {FireAt:O} ({Cron}, {Zone})", definitionId, fireAt, schedule.Expression, schedule.TimeZone.Id);
    }
}
