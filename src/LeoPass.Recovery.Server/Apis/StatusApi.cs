using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Prediction;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>GET /api/status: the answer is <see cref="RecoveryStatus"/> (Contracts, shared with the console).</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/status").WithTags("Status").RequireAuthorization(RolePolicies.Viewer);
        api.MapGet("/", GetStatus).WithName("GetStatus").WithSummary("Newest verified backup against the 24 h RPO, last drill against the 2 h RTO, runs waiting for a person");
        return api;
    }

    public static async Task<Ok<RecoveryStatus>> GetStatus(BackupCatalogue catalogue, RunQueries queries, DefinitionCatalog definitions, RunReportBuilder reports,
        RtoPredictor predictor, RestoreWindowQuery windows, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var latest = await catalogue.LatestVerifiedAsync(cancellationToken);
        var age = latest is null ? (TimeSpan?)null : now - latest.SnapshotStartedAt;
        var backup = new BackupStatus(latest?.Key, latest?.SnapshotStartedAt, age, RecoveryTargets.RecoveryPointObjective,
            age is { } a && a <= RecoveryTargets.RecoveryPointObjective);

        Run? lastDrill = null;
        // Whose successful runs measure the RTO: the definitions with purpose drill or incident.
        foreach (var definition in await definitions.RestoreDefinitionIdsAsync(cancellationToken))
        {
            var found = await queries.ListAsync(1, definition, RunState.Succeeded, cancellationToken: cancellationToken);
            var succeeded = found.Count > 0 ? found[0] : null;
            if (succeeded is not null && (lastDrill is null || succeeded.EndedAt > lastDrill.EndedAt)) lastDrill = succeeded;
        }
        var drill = new DrillStatus(null, null, null, null, RecoveryTargets.RecoveryTimeObjective, null);
        if (lastDrill is not null)
        {
            var report = await reports.BuildAsync(lastDrill.Id, null, cancellationToken);
            drill = new DrillStatus(lastDrill.Id, lastDrill.DefinitionId, lastDrill.EndedAt,
                report.RtoSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, TimeSpan.FromSeconds(report.RtoTargetSeconds), report.RtoMet);
        }

        var attention = new List<AttentionItem>();
        foreach (var state in new[] { RunState.Halted, RunState.WaitingForApproval })
        {
            foreach (var run in await queries.ListAsync(100, state: state, cancellationToken: cancellationToken))
            {
                var step = run.Steps.FirstOrDefault(s => s.State is StepState.Failed or StepState.WaitingForApproval);
                attention.Add(new AttentionItem(run.Id, run.DefinitionId, Enum.Parse<Contracts.RunState>(run.State.ToString()), step?.StepId, run.HaltReason ?? (step?.WaitingAtGate is { } gate ? $"waiting for approval {gate} the step" : null)));
            }
        }
        var proven = await catalogue.LatestRestoreVerifiedAsync(cancellationToken);
        var restoreVerified = proven is null ? null : new RestoreVerifiedStatus(proven.Key, proven.SnapshotStartedAt, now - proven.SnapshotStartedAt,
            proven.RestoreVerifiedAt!.Value, proven.RestoreVerifiedRunId, proven.RestoreVerifiedSummary);
        var prediction = await predictor.PredictAsync(cancellationToken) is { } p
            ? new RtoPredictionStatus(p.Predicted, p.Target, p.AtRisk, p.OverTarget, p.Download, p.Restore, p.Fixed, p.FixedBasis,
                Math.Round(p.DownloadBytesPerSecond), Math.Round(p.RestoreBytesPerSecond), p.DownloadSamples, p.RestoreSamples, p.BackupKey, p.StoredBytes, p.DumpBytes)
            : null;
        var healthy = backup.WithinRpo && drill.WithinRto != false && attention.Count == 0 && prediction?.OverTarget != true;
        var window = await windows.GetAsync(cancellationToken);
        var pointInTime = window.Segments == 0 && window.Stream is null ? null : new PointInTimeStatus(window.From, window.To, window.Describe(), window.NewestShippedAge, window.Gaps,
            window.Stream?.Node, window.Stream?.HeartbeatAt, window.Stream?.QueuedSegments ?? 0, window.Stream?.SlotRetainedBytes, window.Stream?.LastError);
        return TypedResults.Ok(new RecoveryStatus(backup, drill, attention.OrderBy(a => a.RunId).ToList(), healthy, restoreVerified, prediction) { PointInTime = pointInTime });
    }
}
