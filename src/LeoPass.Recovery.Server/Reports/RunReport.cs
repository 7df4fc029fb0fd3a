using System.Text.Json.Nodes;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Persistence;
using LeoPass.Recovery.Engine.State;
using LeoPass.Recovery.Server.Apis;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Server.Reports;

/// <summary>A run's outcome against the runbook's targets, with every step and attempt.</summary>
public sealed record RunReport(
    long RunId,
    string Definition,
    int Version,
    string Title,
    RunState State,
    string StartedBy,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    ObjectiveFigure Rto,
    ObjectiveFigure? Rpo,
    DateTimeOffset? RestorePoint,
    string? HaltReason,
    IReadOnlyList<ReportStep> Steps,
    IReadOnlyList<AttemptView> Journal,
    IReadOnlyList<AuditView> Audit);

/// <summary>A measured duration against its target. <see cref="Value"/> is null while it cannot be measured yet.</summary>
public sealed record ObjectiveFigure(TimeSpan? Value, TimeSpan Target, bool? WithinTarget);

public sealed record ReportStep(string Id, string Title, StepState State, int Attempts, TimeSpan WorkTime, TimeSpan WaitingTime, string? Error, string? SkipReason);

/// <summary>
/// Builds reports from the engine's read side. RTO is the run's wall time (start to end, or to
/// now while it runs) against the definition's rtoTarget (else the runbook's 2 h). RPO is the run's
/// start minus the restore point's snapshot time, when a step reported one in its output
/// (<c>snapshotStartedAt</c>), against the runbook's 24 h.
/// </summary>
public sealed class RunReports(RunQueries queries, DefinitionCatalog catalog, IDbContextFactory<EngineDbContext> dbFactory)
{
    public async Task<RunReport> BuildAsync(long runId, CancellationToken cancellationToken)
    {
        var run = (await queries.GetAsync(runId, cancellationToken)).Redacted();
        var journal = (await queries.JournalAsync(runId, cancellationToken)).Select(a => a.Redacted()).ToList();
        var audit = (await queries.AuditAsync(runId, cancellationToken)).Select(a => a.Redacted()).ToList();
        var definition = await DefinitionOfAsync(run, cancellationToken);

        var rtoTarget = definition?.RtoTarget ?? RecoveryTargets.RecoveryTimeObjective;
        var rto = new ObjectiveFigure(run.WallTime, rtoTarget, run.WallTime is { } wall ? wall <= rtoTarget : null);
        var restorePoint = run.Steps.Select(s => SnapshotTime(s.Output)).FirstOrDefault(t => t is not null);
        ObjectiveFigure? rpo = null;
        if (restorePoint is { } point && run.StartedAt is { } started)
        {
            var value = started - point;
            rpo = new ObjectiveFigure(value, RecoveryTargets.RecoveryPointObjective, value <= RecoveryTargets.RecoveryPointObjective);
        }
        return new RunReport(run.Id, run.DefinitionId, run.DefinitionVersion, definition?.Title ?? run.DefinitionId, run.State, run.StartedBy,
            run.StartedAt, run.EndedAt, rto, rpo, restorePoint, run.HaltReason,
            run.Steps.Select(s => new ReportStep(s.StepId, s.Title, s.State, s.Attempts, s.WorkTime, s.WaitingTime, s.Error, s.SkipReason)).ToList(),
            journal, audit);
    }

    private async Task<WorkflowDefinition?> DefinitionOfAsync(RunView run, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var versionId = await db.DefinitionVersions.AsNoTracking()
            .Where(d => d.DefinitionId == run.DefinitionId && d.Version == run.DefinitionVersion).Select(d => (long?)d.Id).SingleOrDefaultAsync(cancellationToken);
        return versionId is { } id ? await catalog.GetVersionAsync(id, cancellationToken) : null;
    }

    private static DateTimeOffset? SnapshotTime(string? output)
    {
        if (string.IsNullOrEmpty(output)) return null;
        try
        {
            return JsonNode.Parse(output) is JsonObject o && o["snapshotStartedAt"] is JsonValue v && v.TryGetValue<string>(out var text)
                && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
