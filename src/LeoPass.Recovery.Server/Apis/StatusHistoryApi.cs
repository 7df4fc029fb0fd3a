using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>/api/status/history?days=30: backups (size, duration) and drills (RTO) over the last days, and the last drill's RTO by step.</summary>
public static class StatusHistoryApi
{
    private const int MaxDays = 366;
    private const int MaxDrills = 200;

    public static RouteHandlerBuilder MapStatusHistoryApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/status/history", GetHistory).WithName("GetStatusHistory").WithTags("Status").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("Backups (size, duration) and successful restore runs (RTO against its target) of the last days (default 30), and the last drill's RTO by step");

    public static async Task<Results<Ok<StatusHistory>, ValidationProblem>> GetHistory(int? days, BackupCatalogue catalogue,
        RunQueries queries, DefinitionCatalog definitions, RunReportBuilder reports, TimeProvider clock, CancellationToken cancellationToken)
    {
        var validation = new Validation().Check(days is null or (> 0 and <= MaxDays), "days", $"days must be between 1 and {MaxDays}");
        if (!validation.IsValid) return validation.Result();
        var span = days ?? 30;
        var since = clock.GetUtcNow().AddDays(-span);

        var backups = (await catalogue.ListAsync(cancellationToken))
            .Where(b => b.SnapshotStartedAt >= since).OrderBy(b => b.SnapshotStartedAt)
            .Select(b => new BackupPoint(b.Key, b.SnapshotStartedAt, b.StoredBytes, b.DumpBytes, Math.Round((b.SnapshotEndedAt - b.SnapshotStartedAt).TotalSeconds, 3)))
            .ToList();

        var drillIds = await queries.SucceededSinceAsync(await definitions.RestoreDefinitionIdsAsync(cancellationToken), since, MaxDrills, cancellationToken);
        var drills = new List<DrillPoint>();
        RunReport? last = null;
        foreach (var id in drillIds)
        {
            var report = await reports.BuildAsync(id, null, cancellationToken);
            last ??= report;
            drills.Add(new DrillPoint(report.RunId, report.DefinitionId, report.StartedAt, report.EndedAt, report.RtoSeconds, report.RtoTargetSeconds, report.RtoMet));
        }
        drills.Reverse();

        var breakdown = last is null ? null : new DrillBreakdown(last.RunId, last.DefinitionId, last.RtoSeconds, last.RtoTargetSeconds,
            last.Steps.Where(s => s.CountsTowardRto && !s.Disabled).Select(s => new StepShare(s.Id, s.Title, s.WorkSeconds)).ToList(),
            last.RtoBreakdown?.WaitingSeconds ?? 0, last.RtoBreakdown?.HaltedSeconds ?? 0, last.RtoBreakdown?.LostSeconds ?? 0,
            last.RtoBreakdown?.OverheadSeconds ?? last.OverheadSeconds ?? 0);
        return TypedResults.Ok(new StatusHistory(span, since, backups, drills, breakdown));
    }
}
