using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// The nightly backup's failure alert. A failed step halts the run, so the final notify step
/// never runs: each backup step raises the down push, Sentry event and Ops webhook itself
/// before it fails, with the run and step as context.
/// </summary>
public sealed class BackupFailureAlert(AlertDispatcher alerts, TimeProvider clock)
{
    public async Task SendAsync(ActivityContext context, BreadcrumbTrail trail, Exception failure)
    {
        var stage = (failure as BackupException)?.Stage ?? trail.CurrentStage ?? context.StepId;
        trail.Fail(stage, failure.Message);
        await alerts.DispatchAsync(new JobOutcome
        {
            JobName = context.Identity.DefinitionId,
            Succeeded = false,
            Duration = trail.Elapsed,
            FinishedAt = clock.GetUtcNow(),
            Summary = $"{context.Identity.DefinitionId} run {context.RunId} FAILED at {context.StepId}/{stage} (attempt {context.Attempt}): {failure.Message}",
            Error = failure.Message,
            ErrorType = failure.GetType().Name,
            FailedStage = stage,
            Details = new Dictionary<string, string>
            {
                ["run"] = context.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["step"] = context.StepId,
                ["attempt"] = context.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["node"] = context.Identity.Node,
            },
            Breadcrumbs = trail.Snapshot(),
        }, CancellationToken.None);
    }
}
