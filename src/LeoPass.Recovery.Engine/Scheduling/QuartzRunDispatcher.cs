using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Signals;
using Quartz;

namespace LeoPass.Recovery.Engine.Scheduling;

/// <summary>
/// Dispatches a run by storing a one-shot trigger for the run's job in the clustered job store;
/// whichever node acquires the trigger executes the run. The job key is per run, and the job
/// disallows concurrent execution, so a second dispatch while the run executes waits for the
/// first execution to end (Quartz blocks it cluster-wide). Every node hears of the trigger at once
/// (<see cref="RunSignals"/>), so a run is picked up in milliseconds, not at the next poll.
/// </summary>
public sealed class QuartzRunDispatcher(ISchedulerFactory schedulers, TimeProvider time, RunSignals signals) : IRunDispatcher
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
        // Idle nodes look for triggers stored by others only at their poll: tell them now.
        await signals.RunReadyAsync(runId);
    }
}
