using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Engine.Journal;

/// <summary>Read side of runs and their journal, for the CLI, the API and reports.</summary>
public sealed class RunQueries(IDbContextFactory<EngineDbContext> dbFactory, TimeProvider time, ClusterNodes cluster, RunLocks locks)
{
    public async Task<Run> GetAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.AsNoTracking().Include(r => r.Steps).SingleOrDefaultAsync(r => r.Id == runId, cancellationToken)
            ?? throw new NotFoundException($"run {runId} does not exist");
        var durations = await db.Attempts.AsNoTracking().Where(a => a.RunId == runId && a.Duration != null)
            .Select(a => new { a.StepId, a.Duration }).ToListAsync(cancellationToken);
        var work = durations.GroupBy(a => a.StepId).ToDictionary(g => g.Key, g => g.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Duration!.Value));
        var view = ToView(run, work);
        if (run.State != RunState.Running || run.HolderNode is null) return view;
        // Who holds a running run, and whether it is still alive: while no node holds it, "Running" alone would mislead.
        var checkin = await cluster.CheckinOfAsync(run.HolderNode, cancellationToken);
        var silent = checkin is null || time.GetUtcNow() - checkin.At > checkin.FailoverTime;
        // A command's temporary node never checks in: the run's lock, which dies with its process, says it lives.
        return view with { HolderCheckedInAt = checkin?.At, HolderPresumedDead = silent && !await locks.IsHeldAsync(runId, cancellationToken) };
    }

    /// <summary>
    /// A page of runs, newest first, with their steps and each step's work time: a fixed two
    /// queries however long the page (runs with steps, then the attempts' durations of those runs),
    /// never one per run. Holder liveness is left to <see cref="GetAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<Run>> ListAsync(int limit = 50, string? definitionId = null, RunState? state = null,
        DateTimeOffset? since = null, DateTimeOffset? until = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Runs.AsNoTracking().Include(r => r.Steps).AsQueryable();
        if (definitionId is not null) query = query.Where(r => r.DefinitionId == definitionId);
        if (state is not null) query = query.Where(r => r.State == state);
        if (since is not null) query = query.Where(r => r.CreatedAt >= since);
        if (until is not null) query = query.Where(r => r.CreatedAt <= until);
        var runs = await query.OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        var ids = runs.Select(r => r.Id).ToList();
        var durations = await db.Attempts.AsNoTracking().Where(a => ids.Contains(a.RunId) && a.Duration != null)
            .Select(a => new { a.RunId, a.StepId, a.Duration }).ToListAsync(cancellationToken);
        var work = durations.GroupBy(a => a.RunId).ToDictionary(
            run => run.Key,
            run => (IReadOnlyDictionary<string, TimeSpan>)run.GroupBy(a => a.StepId).ToDictionary(g => g.Key, g => g.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Duration!.Value)));
        return runs.Select(r => ToView(r, work.GetValueOrDefault(r.Id) ?? new Dictionary<string, TimeSpan>())).ToList();
    }

    /// <summary>Ids of the runs of these definitions that succeeded since <paramref name="since"/>, the last to end first (one query).</summary>
    public async Task<IReadOnlyList<long>> SucceededSinceAsync(IReadOnlyCollection<string> definitionIds, DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking()
            .Where(r => definitionIds.Contains(r.DefinitionId) && r.State == RunState.Succeeded && r.EndedAt >= since)
            .OrderByDescending(r => r.EndedAt).Take(limit).Select(r => r.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The state of each of these runs that exists (one query).</summary>
    public async Task<IReadOnlyDictionary<long, RunState>> StatesAsync(IReadOnlyCollection<long> runIds, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.AsNoTracking().Where(r => runIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.State, cancellationToken);
    }

    public async Task<IReadOnlyList<Attempt>> JournalAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Runs.AnyAsync(r => r.Id == runId, cancellationToken)) throw new NotFoundException($"run {runId} does not exist");
        var positions = await db.Steps.AsNoTracking().Where(s => s.RunId == runId).ToDictionaryAsync(s => s.StepId, s => s.Position, cancellationToken);
        var attempts = await db.Attempts.AsNoTracking().Where(a => a.RunId == runId).ToListAsync(cancellationToken);
        return attempts.OrderBy(a => a.StartedAt).ThenBy(a => positions.GetValueOrDefault(a.StepId)).ThenBy(a => a.Number)
            .Select(a => new Attempt(a.StepId, a.Number, a.Node, a.StartedAt, a.EndedAt, a.Duration, a.WaitingTime, a.Outcome.ToString(), a.Error, a.Output, a.Intents))
            .ToList();
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Audit.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        return rows.Select(a => new AuditEntry(a.At, a.Who, a.Action, a.StepId, a.Reason, a.Details)).ToList();
    }

    private Run ToView(RunRecord run, IReadOnlyDictionary<string, TimeSpan> work)
    {
        var end = run.EndedAt ?? (run.StartedAt is null ? null : time.GetUtcNow());
        return new Run(
            run.Id, run.DefinitionId, run.DefinitionVersion, run.State, run.Trigger, run.StartedBy, run.CreatedAt, run.StartedAt, run.EndedAt,
            run.HolderNode, run.HaltReason,
            run.StartedAt is { } started && end is { } e ? e - started : null,
            run.Steps.OrderBy(s => s.Position).Select(s => new Step(
                s.StepId, s.Position, s.Title, s.Activity, s.State, s.Attempts,
                work.GetValueOrDefault(s.StepId),
                s.WaitingTime,
                s.State == StepState.WaitingForApproval ? s.GatePhase.ToString().ToLowerInvariant() : null,
                s.Error, s.SkipReason, s.Output, s.StartedAt, s.EndedAt)).ToList());
    }
}
