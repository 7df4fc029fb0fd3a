using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Runbook.Prediction;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>Is the database recoverable right now? The newest verified backup against the RPO, the last drill against the RTO, and what waits for a person.</summary>
/// <param name="RestoreVerified">The newest backup a restore proved (verify-restore); null when none was.</param>
/// <param name="RtoPrediction">How long a restore of the newest verified backup would take, from measured throughput; null before the first download and restore samples.</param>
public sealed record RecoveryStatus(BackupStatus Backup, DrillStatus Drill, IReadOnlyList<AttentionItem> NeedsAttention, bool Healthy,
    RestoreVerifiedStatus? RestoreVerified = null, RtoPredictionStatus? RtoPrediction = null)
{
    /// <summary>Point-in-time recovery: the restore window and the live RPO (the newest shipped WAL's age); null when no WAL was ever shipped.</summary>
    public PointInTimeStatus? PointInTime { get; init; }
}

/// <summary>The newest restore-verified backup: which, when its snapshot was taken, when and by which run it was proven, what was compared.</summary>
public sealed record RestoreVerifiedStatus(string Key, DateTimeOffset SnapshotStartedAt, TimeSpan Age, DateTimeOffset VerifiedAt, long? RunId, string? Summary);

/// <summary>
/// The predicted RTO: <see cref="Predicted"/> = <see cref="Fixed"/> + <see cref="Download"/> + <see cref="Restore"/>,
/// each transfer being today's size over measured throughput. <see cref="AtRisk"/> from 80 % of the target.
/// </summary>
public sealed record RtoPredictionStatus(TimeSpan Predicted, TimeSpan Target, bool AtRisk, bool OverTarget, TimeSpan Download, TimeSpan Restore, TimeSpan Fixed,
    string FixedBasis, double DownloadBytesPerSecond, double RestoreBytesPerSecond, int DownloadSamples, int RestoreSamples, string BackupKey, long StoredBytes, long DumpBytes);
/// <param name="Description">"restore to any second from … to …", or why there is no window.</param>
/// <param name="NewestShippedAge">The live RPO: how long ago the newest shipped WAL was complete (or the source last had nothing unshipped).</param>
/// <param name="StreamNode">The node holding the WAL stream's lease at its last heartbeat.</param>
public sealed record PointInTimeStatus(
    DateTimeOffset? From, DateTimeOffset? To, string Description, TimeSpan? NewestShippedAge, IReadOnlyList<string> Gaps,
    string? StreamNode, DateTimeOffset? StreamHeartbeatAt, int QueuedSegments, long? SlotRetainedBytes, string? LastError);

/// <param name="WithinRpo">False when the newest verified backup is older than the RPO — the next restore would lose more than a day.</param>
public sealed record BackupStatus(string? Key, DateTimeOffset? SnapshotStartedAt, TimeSpan? Age, TimeSpan RpoTarget, bool WithinRpo);

/// <param name="WithinRto">Null when no drill succeeded yet.</param>
public sealed record DrillStatus(long? RunId, string? Definition, DateTimeOffset? EndedAt, TimeSpan? Rto, TimeSpan RtoTarget, bool? WithinRto);

public sealed record AttentionItem(long RunId, string Definition, RunState State, string? Step, string? Reason);

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

        RunView? lastDrill = null;
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
                attention.Add(new AttentionItem(run.Id, run.DefinitionId, run.State, step?.StepId, run.HaltReason ?? (step?.WaitingAtGate is { } gate ? $"waiting for approval {gate} the step" : null)));
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
