using LeoPass.Recovery.Contracts;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>A succeeded attempt of a step, with what it reported: the raw material of throughput samples.</summary>
public sealed record SucceededAttempt(long RunId, string DefinitionId, string StepId, TimeSpan Duration, DateTimeOffset EndedAt, string? Output);

/// <summary>How many runs of a definition are in a state.</summary>
public sealed record RunCount(string DefinitionId, RunState State, int Count);

/// <summary>
/// Aggregates over the whole journal for metrics and predictions: counts by definition and state,
/// the longest-halted run, the newest succeeded attempts of an activity. Each is one query.
/// </summary>
public sealed class RunStatistics(IDbContextFactory<EngineDbContext> dbFactory)
{
    public async Task<IReadOnlyList<RunCount>> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Runs.AsNoTracking().GroupBy(r => new { r.DefinitionId, r.State })
                .Select(g => new { g.Key.DefinitionId, g.Key.State, Count = g.Count() }).ToListAsync(cancellationToken))
            .Select(c => new RunCount(c.DefinitionId, c.State, c.Count)).ToList();
    }

    /// <summary>Since when the longest-halted run has been halted (its last change), or null when none is.</summary>
    public async Task<DateTimeOffset?> OldestHaltedSinceAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().Where(r => r.State == RunState.Halted).MinAsync(r => (DateTimeOffset?)r.UpdatedAt, cancellationToken);
    }

    /// <summary>The newest succeeded attempts of steps running <paramref name="activity"/>, in any definition, the last to end first.</summary>
    public async Task<IReadOnlyList<SucceededAttempt>> SucceededAttemptsOfAsync(string activity, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (
                from a in db.Attempts.AsNoTracking()
                join s in db.Steps.AsNoTracking() on new { a.RunId, a.StepId } equals new { s.RunId, s.StepId }
                join r in db.Runs.AsNoTracking() on a.RunId equals r.Id
                where s.Activity == activity && a.Outcome == AttemptOutcome.Succeeded && a.Duration != null && a.EndedAt != null
                orderby a.EndedAt descending
                select new { a.RunId, r.DefinitionId, a.StepId, a.Duration, a.EndedAt, a.Output })
            .Take(limit).ToListAsync(cancellationToken);
        return rows.Select(a => new SucceededAttempt(a.RunId, a.DefinitionId, a.StepId, a.Duration!.Value, a.EndedAt!.Value, a.Output)).ToList();
    }
}
