using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// Starts the followers of a run that succeeded: one run of every published definition whose
/// trigger is <c>after</c> that run's definition, its parameters bound from that run's step
/// outputs and parameters. The idempotency key (<c>after:&lt;follower&gt;:&lt;run id&gt;</c>) makes a
/// second notice of the same success start nothing. A follower whose steps lack a setting (no
/// restore target for verify-restore) is not attempted: it is said once per process, at
/// information level, naming what is missing, and the success stays a success. Settings come
/// from the process's configuration, so what is missing at the first success is missing at every one.
/// </summary>
/// <remarks>
/// Runs on the node that completed the run, after the completion is committed. A process that
/// ends in between (a CLI command exits as soon as its run succeeded; a node dies) starts no
/// follower then: <see cref="CatchUpAsync"/>, run by every executing node at start and every
/// minute (<see cref="FollowerCatchUp"/>), starts what is missing for the runs of the last
/// <see cref="CatchUpWindow"/>.
/// </remarks>
public sealed class FollowerRuns(IServiceProvider services, DefinitionCatalog definitions, IDbContextFactory<EngineDbContext> dbFactory, EngineOptions options,
    IRunDispatcher dispatcher, StepSettingsCheck settingsCheck, TimeProvider time, ILogger<FollowerRuns> logger) : IRunObserver
{
    /// <summary>Followers this process found unconfigured (and said so): id → what is missing.</summary>
    private readonly ConcurrentDictionary<string, string> _unconfigured = new(StringComparer.Ordinal);

    /// <summary>The followers this process does not start for want of settings, and what each lacks (said once in the log).</summary>
    public IReadOnlyDictionary<string, string> Unconfigured => _unconfigured;

    /// <summary>How far back <see cref="CatchUpAsync"/> looks: a night's follower, not a month of them after an upgrade.</summary>
    public static readonly TimeSpan CatchUpWindow = TimeSpan.FromHours(24);

    public async Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State != RunState.Succeeded) return;
        var followers = await FollowersAsync(change.DefinitionId, cancellationToken);
        if (followers.Count > 0) await StartFollowersAsync(change.RunId, change.DefinitionId, followers, cancellationToken);
    }

    /// <summary>
    /// Starts the follower runs that are missing for runs that succeeded within <see cref="CatchUpWindow"/>
    /// (and after the follower's first version was published). Returns how many it started.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        var started = 0;
        var since = time.GetUtcNow() - CatchUpWindow;
        foreach (var follower in await FollowersAsync(null, cancellationToken))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var firstPublished = await db.DefinitionVersions.AsNoTracking().Where(d => d.DefinitionId == follower.Id).MinAsync(d => d.PublishedAt, cancellationToken);
            var from = firstPublished > since ? firstPublished : since;
            var leader = follower.Trigger.After!.DefinitionId;
            var succeeded = await db.Runs.AsNoTracking().Where(r => r.DefinitionId == leader && r.State == RunState.Succeeded && r.EndedAt >= from)
                .Select(r => r.Id).ToListAsync(cancellationToken);
            var prefix = $"after:{follower.Id}:";
            var followed = (await db.Runs.AsNoTracking().Where(r => r.IdempotencyKey != null && r.IdempotencyKey.StartsWith(prefix))
                .Select(r => r.IdempotencyKey!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var runId in succeeded.Where(id => !followed.Contains(KeyFor(follower.Id, id))))
            {
                logger.LogInformation("run {RunId} of {Definition} succeeded without its {Follower} run (its node stopped first): starting it now", runId, leader, follower.Id);
                started += await StartFollowersAsync(runId, leader, [follower], cancellationToken);
            }
            // Created, but the process that created it stopped before handing it to the cluster (its scheduler was shut down).
            var stale = time.GetUtcNow() - UndispatchedAfter;
            var undispatched = await db.Runs.AsNoTracking()
                .Where(r => r.IdempotencyKey != null && r.IdempotencyKey.StartsWith(prefix) && r.State == RunState.Pending && r.CreatedAt < stale && r.CreatedAt >= from)
                .Select(r => r.Id).ToListAsync(cancellationToken);
            foreach (var runId in undispatched)
            {
                logger.LogInformation("{Follower} run {RunId} is still pending: dispatching it to the cluster again", follower.Id, runId);
                await dispatcher.DispatchAsync(runId, cancellationToken: cancellationToken);
                started++;
            }
        }
        return started;
    }

    /// <summary>A follower run pending this long was created by a process that stopped before dispatching it (dispatching again is harmless: a run already done is left alone).</summary>
    public static readonly TimeSpan UndispatchedAfter = TimeSpan.FromSeconds(30);

    private static string KeyFor(string followerId, long runId) => string.Create(CultureInfo.InvariantCulture, $"after:{followerId}:{runId}");

    /// <summary>The followers of <paramref name="leaderId"/> (of any definition when null) that are switched on and configured.</summary>
    private async Task<List<WorkflowDefinition>> FollowersAsync(string? leaderId, CancellationToken cancellationToken) =>
        (await definitions.ListFollowersAsync(leaderId, cancellationToken))
            .Where(d => d.Trigger.Type == WorkflowTriggerType.After && d.Trigger.After is { } after && after.IsEnabled(options.Variables) && IsConfigured(d)).ToList();

    /// <summary>
    /// Whether the follower's steps have their settings, checked as its start would check them, with
    /// its parameters' defaults: no run to read, nothing to journal. A follower whose parameters have
    /// no defaults is left to its start to judge (which refuses it with a warning, as before).
    /// </summary>
    private bool IsConfigured(WorkflowDefinition follower)
    {
        if (_unconfigured.ContainsKey(follower.Id)) return false;
        JsonObject defaults;
        try
        {
            defaults = RunOperations.BindRunParameters(follower, new Dictionary<string, string>());
        }
        catch (InvalidRunRequestException)
        {
            return true;
        }
        if (settingsCheck.Missing(follower, defaults) is not { } missing) return true;
        if (_unconfigured.TryAdd(follower.Id, missing))
        {
            var after = follower.Trigger.After!;
            // "${VERIFY_RESTORE_AFTER_BACKUP:-true}" names the variable that switches it off.
            var switchName = after.Enabled.StartsWith("${", StringComparison.Ordinal) ? after.Enabled[2..].Split(':', '}')[0] : null;
            logger.LogInformation("{Follower} (after {Definition}) is not configured, so successful {Definition} runs do not start it: {Missing}. Set them to have it run{SwitchOff}",
                follower.Id, after.DefinitionId, after.DefinitionId, missing, switchName is null ? "" : $", or set {switchName}=false to say it should not");
        }
        return false;
    }

    private async Task<int> StartFollowersAsync(long runId, string definitionId, IReadOnlyList<WorkflowDefinition> followers, CancellationToken cancellationToken)
    {
        var started = 0;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.AsNoTracking().Include(r => r.Steps).SingleAsync(r => r.Id == runId, cancellationToken);
        var runParameters = JsonNode.Parse(run.Parameters) as JsonObject ?? [];
        var outputs = run.Steps.Where(s => s.Output is not null).ToDictionary(s => s.StepId, s => JsonNode.Parse(s.Output!) as JsonObject ?? [], StringComparer.Ordinal);
        // Resolved here, not in the constructor: RunOperations hears back from the observers.
        var operations = services.GetRequiredService<RunOperations>();
        foreach (var follower in followers)
        {
            var parameters = follower.Trigger.After!.Parameters.ToDictionary(p => p.Key, p => ParameterBinder.ResolveText(p.Value, runParameters, outputs), StringComparer.Ordinal);
            try
            {
                var follows = await operations.StartAsync(new StartRunRequest(follower.Id, parameters, Who: "scheduler", Trigger: "after",
                    IdempotencyKey: KeyFor(follower.Id, runId)), cancellationToken);
                logger.LogInformation("run {RunId} of {Definition} succeeded: started {Follower} run {FollowerRunId}", runId, definitionId, follower.Id, follows.Id);
                started++;
            }
            catch (Quartz.SchedulerException)
            {
                // This process is stopping (a CLI command whose run just succeeded): the run exists, and an executing node's catch-up dispatches it.
                logger.LogInformation("run {RunId} of {Definition} succeeded: its {Follower} run is created; this process is stopping, so a running node dispatches it", runId, definitionId, follower.Id);
                started++;
            }
            catch (Exception e) when (e is InvalidRunRequestException or NotFoundException)
            {
                logger.LogWarning("run {RunId} of {Definition} succeeded, but {Follower} (trigger after {Definition}) could not start: {Reason}",
                    runId, definitionId, follower.Id, definitionId, e.Message);
            }
        }
        return started;
    }
}
