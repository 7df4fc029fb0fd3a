using LeoPass.Recovery.Engine.Execution;
using Quartz;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>
/// Dispatches a run by storing a one-shot trigger for the run's job in the clustered job store;
/// whichever node acquires the trigger executes the run. The job key is per run, and the job
/// disallows concurrent execution, so a second dispatch while the run executes waits for the
/// first execution to end (Quartz blocks it cluster-wide).
/// </summary>
public sealed class QuartzRunDispatcher(ISchedulerFactory schedulers, TimeProvider time) : IRunDispatcher
{
    public async Task DispatchAsync(long runId, TimeSpan delay = default, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<ContinueRunJob>()
            .WithIdentity(ContinueRunJob.KeyFor(runId))
            .UsingJobData(ContinueRunJob.RunIdKey, runId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"run-{runId}-{Guid.NewGuid():N}", ContinueRunJob.Group)
            .ForJob(job)
            .StartAt(time.GetUtcNow() + delay)
            // A dispatch is never dropped: late is still wanted, once.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
    }
}
