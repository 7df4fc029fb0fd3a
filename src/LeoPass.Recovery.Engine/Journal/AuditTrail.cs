using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>
/// Appends a record of what was done about a run outside the engine's own changes — such as what
/// an abort did to the database the run created — so `run journal`, the API and the console show
/// it beside the abort itself.
/// </summary>
public sealed class AuditTrail(IDbContextFactory<EngineDbContext> dbFactory, TimeProvider time)
{
    public async Task AppendAsync(long runId, string who, string action, string? stepId, string? reason, string? details, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Audit.Add(new AuditRecord { At = time.GetUtcNow(), Who = who, Action = action, RunId = runId, StepId = stepId, Reason = reason, Details = details });
        await db.SaveChangesAsync(cancellationToken);
    }
}
