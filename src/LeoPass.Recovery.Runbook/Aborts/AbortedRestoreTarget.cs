using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Runbook.Application;
using LeoPass.Recovery.Runbook.Restore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Aborts;

/// <summary>
/// When a restore run is aborted, what becomes of the database its provision step created, as the
/// definition's <c>onAbort.restoreTarget</c> says: kept and reported as left behind (the default),
/// or dropped. Dropping the wrong database is the worst thing this product could do, so a drop
/// needs all of: the policy says drop; the database still carries this run's mark (the comment the
/// provision step wrote — a later run's or someone else's database has another, or none); it is
/// the run's configured target or per-run name and not the source of DATABASE_URL; and no step of
/// the run repointed services to it. Anything less keeps it, and says why. Either way the outcome
/// is an audit record of the run (<c>restore-target.dropped</c> / <c>restore-target.kept</c> / <c>restore-target.none</c>, or <c>restore-target.unknown</c> when the target server could not be asked).
/// </summary>
/// <remarks>
/// Runs in the process that aborted the run (CLI, API, console), after the abort is committed. It
/// first waits, at most <see cref="AttemptsEndWithin"/>, for the run's attempt executing elsewhere
/// to notice the abort (within the engine's abort poll, a second by default), so a provision step
/// still running cannot create the database after this looked. The cost: an abort answers that
/// much later.
/// </remarks>
public sealed class AbortedRestoreTarget(
    DefinitionCatalog definitions,
    RunQueries runs,
    AuditTrail audit,
    RecoverySettings settings,
    RestoreTargetPlan target,
    NodeIdentity node,
    TimeProvider time,
    ILogger<AbortedRestoreTarget> logger) : IRunObserver
{
    private static readonly TimeSpan AttemptsEndWithin = TimeSpan.FromSeconds(15);

    public async Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State != RunState.Aborted) return;
        var version = await definitions.FindVersionAsync(change.DefinitionId, change.DefinitionVersion, cancellationToken);
        if (version is null) return;
        var definition = await definitions.GetVersionAsync(version.Id, cancellationToken);
        var provision = definition.Steps.FirstOrDefault(s => s.Activity == ProvisionDatabaseActivity.Descriptor.Type);
        if (provision is null) return;

        var policy = definition.OnAbort.RestoreTarget;
        var stillRunning = await WaitForAttemptsToEndAsync(change.RunId, definition.OnAbort.Undo, cancellationToken);
        var run = await runs.GetAsync(change.RunId, cancellationToken);
        var (action, reason, details) = await DecideAsync(run, provision.Id, policy, cancellationToken);
        if (stillRunning > 0) reason += $" ({stillRunning} attempt(s) of the run were still marked running {AttemptsEndWithin.TotalSeconds:0} s after the abort: a node may have died mid-step)";
        await audit.AppendAsync(change.RunId, $"node:{node.Id}", action, provision.Id, reason, details, cancellationToken);
        logger.LogWarning("run {RunId} aborted: {Action}: {Reason}", change.RunId, action, reason);
    }

    private async Task<(string Action, string Reason, string? Details)> DecideAsync(Run run, string provisionStep, RestoreTargetOnAbort policy, CancellationToken cancellationToken)
    {
        var policyText = $"onAbort.restoreTarget is {(policy == RestoreTargetOnAbort.Drop ? "drop" : "keep")} in {run.DefinitionId} v{run.DefinitionVersion}";
        if (settings.Runbook.TargetDatabase is null && !target.ScratchConfigured)
        {
            return ("restore-target.unknown", "TARGET_DATABASE_URL is not set in the process that aborted the run, so it could not look for a restore target this run created: check the target server by hand", null);
        }
        string? created;
        try
        {
            created = await CreatedByRunAsync(run, provisionStep, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return ("restore-target.unknown", $"could not look for a database created by run {run.Id} on the target server ({e.Message}): it may have been left behind; check by hand (its comment is '{RestoreTargetPlan.CreatedBy(run.Id)}')", null);
        }
        if (created is null)
        {
            return ("restore-target.none", $"no database created by run {run.Id} exists on the target server (step '{provisionStep}' is {run.Steps.Single(s => s.StepId == provisionStep).State}); nothing to drop or keep", null);
        }
        var described = PostgresConnectionString.Describe(created);
        var name = PostgresConnectionString.DatabaseOf(created);
        if (policy == RestoreTargetOnAbort.Keep)
        {
            return ("restore-target.kept", $"left behind: database {name} created by this run was kept ({policyText}); drop it when no longer needed: DROP DATABASE {RestoreTarget.QuoteIdentifier(name)}", described);
        }
        if (run.Steps.FirstOrDefault(s => s.Activity == ReconfigureServicesActivity.Descriptor.Type && s.State == StepState.Succeeded) is { } repointed)
        {
            return ("restore-target.kept", $"left behind: database {name} was kept although {policyText}: step '{repointed.StepId}' repointed services to it, so it may be serving production", described);
        }
        try
        {
            target.EnsureNotSource(created);
            await MarkedDatabase.DropIfMarkedAsync(created, run.Id, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or ActivityFailedException or TimeoutException or InvalidOperationException)
        {
            return ("restore-target.kept", $"left behind: database {name} could not be dropped ({policyText}): {e.Message}", described);
        }
        return ("restore-target.dropped", $"database {name} created by this run was dropped ({policyText})", described);
    }

    /// <summary>The connection string of the database this run created and that still carries its mark, or null.</summary>
    private async Task<string?> CreatedByRunAsync(Run run, string provisionStep, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (settings.Runbook.TargetDatabase is not null) names.AddRange([target.NameFor(run.Id, perRun: true), target.ConfiguredName]);
        if (target.ScratchConfigured) names.Add(target.ScratchNameFor(run.Id));
        var output = run.Steps.Single(s => s.StepId == provisionStep).Output;
        if (output is not null && System.Text.Json.Nodes.JsonNode.Parse(output)?["database"]?.GetValue<string>() is { } provisioned) names.Insert(0, provisioned);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            string connection;
            try
            {
                connection = target.ConnectionFor(run.Id, name);
            }
            catch (ActivityFailedException)
            {
                continue;
            }
            if (await MarkedDatabase.MarkOfAsync(connection, cancellationToken) == RestoreTargetPlan.CreatedBy(run.Id)) return connection;
        }
        return null;
    }

    /// <summary>
    /// Waits until no attempt of the run is marked running; returns how many still are when the wait
    /// ends. The abort's own undo steps (onAbort.undo) start now and may run long: they are not waited for.
    /// </summary>
    private async Task<int> WaitForAttemptsToEndAsync(long runId, IReadOnlyList<string> undoSteps, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + AttemptsEndWithin;
        while (true)
        {
            var running = (await runs.JournalAsync(runId, cancellationToken)).Count(a => a.Outcome == "Running" && !undoSteps.Contains(a.StepId));
            if (running == 0 || time.GetUtcNow() > deadline) return running;
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }
}
