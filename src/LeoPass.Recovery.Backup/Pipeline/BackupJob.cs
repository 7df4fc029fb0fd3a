using LeoPass.Recovery.Backup.Alerts;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>
/// A backup as an operated job: the pipeline, plus the alerts the runbook promises — an
/// Uptime Kuma push after every run, Sentry and the Ops webhook on failure, with the
/// pipeline's stages as breadcrumbs. Alerting never changes the outcome: a down alert target
/// is logged, not thrown.
/// </summary>
public sealed class BackupJob(BackupPipeline pipeline, AlertDispatcher alerts, TimeProvider clock, ILogger<BackupJob> logger)
{
    public const string JobName = "nightly-backup";

    public async Task<BackupResult> RunAsync(IBackupObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var trail = new BreadcrumbTrail(clock);
        var observing = new BreadcrumbObserver(trail, observer ?? NullBackupObserver.Instance);
        try
        {
            var result = await pipeline.RunAsync(observing, cancellationToken);
            await DispatchAsync(new JobOutcome
            {
                JobName = JobName,
                Succeeded = true,
                Duration = trail.Elapsed,
                FinishedAt = clock.GetUtcNow(),
                Summary = $"backup {result.Key} OK: {result.Manifest.Sizes.StoredBytes} bytes, verified by {result.Manifest.Upload.Verification}",
                Details = new Dictionary<string, string>
                {
                    ["key"] = result.Key,
                    ["stored_bytes"] = result.Manifest.Sizes.StoredBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["sha256"] = result.Manifest.Sha256,
                    ["verification"] = result.Manifest.Upload.Verification,
                },
                Breadcrumbs = trail.Snapshot(),
            });
            return result;
        }
        catch (Exception e)
        {
            var stage = (e as BackupException)?.Stage ?? trail.CurrentStage ?? "prepare";
            trail.Fail(stage, e.Message);
            await DispatchAsync(new JobOutcome
            {
                JobName = JobName,
                Succeeded = false,
                Duration = trail.Elapsed,
                FinishedAt = clock.GetUtcNow(),
                Summary = $"backup FAILED at {stage}: {e.Message}",
                Error = e.Message,
                ErrorType = e.GetType().Name,
                FailedStage = stage,
                Breadcrumbs = trail.Snapshot(),
            });
            throw;
        }
    }

    private async Task DispatchAsync(JobOutcome outcome)
    {
        // Alerts go out even when the backup itself was cancelled: that is when they matter.
        foreach (var delivery in await alerts.DispatchAsync(outcome, CancellationToken.None))
        {
            if (!delivery.Delivered) logger.LogWarning("Alert to {Channel} not delivered after {Attempts} attempt(s): {Error}", delivery.Channel, delivery.Attempts, delivery.Error);
        }
    }

    /// <summary>Turns pipeline stages into breadcrumbs and passes everything on.</summary>
    private sealed class BreadcrumbObserver(BreadcrumbTrail trail, IBackupObserver inner) : IBackupObserver
    {
        public void Stage(string stage, string message)
        {
            trail.Add(stage, message);
            inner.Stage(stage, message);
        }

        public void Bytes(long total) => inner.Bytes(total);
    }
}
