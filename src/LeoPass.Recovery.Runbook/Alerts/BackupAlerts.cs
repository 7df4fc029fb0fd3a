using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Reporting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Alerts;

/// <summary>
/// The one place a backup run's outcome is turned into alerts: the Uptime Kuma push (up or down),
/// the Sentry event (failures, with the pipeline's stages as breadcrumbs) and the Ops webhook. The
/// success comes from the run's own notify step; the failure from <see cref="BackupRunAlerts"/>
/// when the run halts, so every failure is reported once, whichever step it hit. Each carries the
/// run's page in the console when LEOPASS_PUBLIC_URL is set (<see cref="RunLinks"/>).
/// </summary>
public sealed class BackupAlerts(AlertDispatcher alerts, RunQueries queries, RunLinks links, TimeProvider clock, ILogger<BackupAlerts> logger)
{
    /// <summary>Reports a run that reached its notify step; returns what each channel did.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> SucceededAsync(long runId, string definitionId, string key, TimeSpan backupDuration, CancellationToken cancellationToken)
    {
        var outcome = new JobOutcome
        {
            JobName = definitionId,
            Succeeded = true,
            Duration = backupDuration,
            FinishedAt = clock.GetUtcNow(),
            Summary = $"{definitionId} run {runId} OK: {key}",
            Details = new Dictionary<string, string> { ["key"] = key, ["run"] = runId.ToString(CultureInfo.InvariantCulture) },
            Link = links.Run(runId),
        };
        return await DispatchAsync(outcome, cancellationToken);
    }

    /// <summary>Warns that a backup succeeded but its dump was slow (<see cref="Backup.DumpDurationCheck"/>): the Ops webhook hears it.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> SlowDumpAsync(long runId, string definitionId, string key, TimeSpan dump, string why, CancellationToken cancellationToken)
    {
        var outcome = new JobOutcome
        {
            JobName = definitionId,
            Succeeded = true,
            Notice = OutcomeNotice.Warning,
            Duration = dump,
            FinishedAt = clock.GetUtcNow(),
            Summary = $"{definitionId} run {runId}: slow dump of {key}: {why}",
            Details = new Dictionary<string, string> { ["key"] = key, ["run"] = runId.ToString(CultureInfo.InvariantCulture), ["dump_seconds"] = ((long)dump.TotalSeconds).ToString(CultureInfo.InvariantCulture) },
            Link = links.Run(runId),
        };
        return await DispatchAsync(outcome, cancellationToken);
    }

    /// <summary>Reports a halted run: which step, which stage, why, and the stages it went through.</summary>
    public async Task<IReadOnlyList<AlertDelivery>> HaltedAsync(long runId, CancellationToken cancellationToken)
    {
        var run = await queries.GetAsync(runId, cancellationToken);
        var journal = await queries.JournalAsync(runId, cancellationToken);
        var failed = run.Steps.FirstOrDefault(s => s.State == StepState.Failed);
        var lastAttempt = failed is null ? null : journal.Where(a => a.StepId == failed.StepId).MaxBy(a => a.Number);
        var breadcrumbs = journal.SelectMany(a => Breadcrumbs(a)).TakeLast(BreadcrumbTrail.Capacity).ToList();
        var stage = lastAttempt?.Intents.Select(StageOf).LastOrDefault(s => s is not null) ?? failed?.StepId;
        var error = failed?.Error ?? run.HaltReason ?? "the run halted";
        var outcome = new JobOutcome
        {
            JobName = run.DefinitionId,
            Succeeded = false,
            Duration = run.WallTime ?? TimeSpan.Zero,
            FinishedAt = clock.GetUtcNow(),
            Summary = $"{run.DefinitionId} run {run.Id} FAILED at {failed?.StepId ?? "?"}/{stage} (attempt {lastAttempt?.Number ?? 0}): {error}",
            Error = error,
            ErrorType = "RunHalted",
            FailedStage = stage,
            Details = new Dictionary<string, string>
            {
                ["run"] = run.Id.ToString(CultureInfo.InvariantCulture),
                ["step"] = failed?.StepId ?? "",
                ["attempt"] = (lastAttempt?.Number ?? 0).ToString(CultureInfo.InvariantCulture),
                ["node"] = lastAttempt?.Node ?? run.HolderNode ?? "",
            },
            Breadcrumbs = breadcrumbs,
            Link = links.Run(run.Id),
        };
        return await DispatchAsync(outcome, cancellationToken);
    }

    private async Task<IReadOnlyList<AlertDelivery>> DispatchAsync(JobOutcome outcome, CancellationToken cancellationToken)
    {
        var deliveries = await alerts.DispatchAsync(outcome, cancellationToken);
        foreach (var delivery in deliveries.Where(d => !d.Delivered))
        {
            logger.LogWarning("Alert to {Channel} not delivered after {Attempts} attempt(s): {Error}", delivery.Channel, delivery.Attempts, delivery.Error);
        }
        return deliveries;
    }

    /// <summary>An attempt's intents as breadcrumbs ("snapshot: opening …" has the stage "snapshot"), and its end.</summary>
    private static IEnumerable<StageBreadcrumb> Breadcrumbs(Attempt attempt)
    {
        foreach (var intent in attempt.Intents) yield return new StageBreadcrumb(attempt.StartedAt, StageOf(intent) ?? attempt.StepId, intent);
        if (attempt.Outcome is not ("Succeeded" or "Running"))
        {
            yield return new StageBreadcrumb(attempt.EndedAt ?? attempt.StartedAt, attempt.StepId,
                $"{attempt.StepId} attempt {attempt.Number} {attempt.Outcome}: {attempt.Error}", StageBreadcrumbLevel.Error);
        }
    }

    /// <summary>The pipeline writes stage notes as "stage: message"; other intents name no stage.</summary>
    private static string? StageOf(string intent)
    {
        var colon = intent.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 16 && intent[..colon].All(char.IsAsciiLetterLower) ? intent[..colon] : null;
    }
}
