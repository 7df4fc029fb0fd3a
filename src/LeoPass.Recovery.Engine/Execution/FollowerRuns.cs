using System.Globalization;
using System.Text.Json.Nodes;
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
/// second notice of the same success start nothing. A follower the engine refuses to start (a
/// missing setting) is logged as a warning naming what is missing, and the success stays a success.
/// </summary>
/// <remarks>
/// Runs on the node that completed the run, after the completion is committed. A node that dies in
/// between starts no follower for that run; what the follower proves then shows as missing (for
/// verify-restore: the restore-verified age grows, which the metrics and their alert rule watch).
/// </remarks>
public sealed class FollowerRuns(IServiceProvider services, DefinitionCatalog definitions, IDbContextFactory<EngineDbContext> dbFactory, EngineOptions options, ILogger<FollowerRuns> logger) : IRunObserver
{
    public async Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State != RunState.Succeeded) return;
        var followers = (await definitions.ListLatestDefinitionsAsync(cancellationToken))
            .Where(d => d.Trigger.Type == WorkflowTriggerType.After && d.Trigger.After?.DefinitionId == change.DefinitionId && d.Trigger.After.IsEnabled(options.Variables)).ToList();
        if (followers.Count == 0) return;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.AsNoTracking().Include(r => r.Steps).SingleAsync(r => r.Id == change.RunId, cancellationToken);
        var runParameters = JsonNode.Parse(run.Parameters) as JsonObject ?? [];
        var outputs = run.Steps.Where(s => s.Output is not null).ToDictionary(s => s.StepId, s => JsonNode.Parse(s.Output!) as JsonObject ?? [], StringComparer.Ordinal);
        // Resolved here, not in the constructor: RunOperations hears back from the observers.
        var operations = services.GetRequiredService<RunOperations>();
        foreach (var follower in followers)
        {
            var parameters = follower.Trigger.After!.Parameters.ToDictionary(p => p.Key, p => ParameterBinder.ResolveText(p.Value, runParameters, outputs), StringComparer.Ordinal);
            try
            {
                var started = await operations.StartAsync(new StartRunRequest(follower.Id, parameters, Who: "scheduler", Trigger: "after",
                    IdempotencyKey: string.Create(CultureInfo.InvariantCulture, $"after:{follower.Id}:{change.RunId}")), cancellationToken);
                logger.LogInformation("run {RunId} of {Definition} succeeded: started {Follower} run {FollowerRunId}", change.RunId, change.DefinitionId, follower.Id, started.Id);
            }
            catch (Exception e) when (e is InvalidRunRequestException or NotFoundException)
            {
                logger.LogWarning("run {RunId} of {Definition} succeeded, but {Follower} (trigger after {Definition}) could not start: {Reason}",
                    change.RunId, change.DefinitionId, follower.Id, change.DefinitionId, e.Message);
            }
        }
    }
}
