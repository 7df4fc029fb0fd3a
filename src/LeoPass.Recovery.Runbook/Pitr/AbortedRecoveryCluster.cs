using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// When a run whose point-in-time restore finished is aborted before its cluster was removed, the
/// restored cluster follows the definition's <c>onAbort.restoreTarget</c>, as a dump restore's
/// database does: <c>drop</c> (pitr-drill) stops the server and deletes its directory, <c>keep</c>
/// (the default; an incident's cluster may be serving) leaves it and says how to remove it. Only
/// the node that ran the restore holds the cluster: an abort from elsewhere keeps it and says
/// where it is. Only the run's own directory (<c>RESTORE_WORK_DIR/pitr-run-&lt;id&gt;</c>) is ever
/// deleted. Every outcome is an audit record of the run (<c>restore-target.dropped</c> / <c>restore-target.kept</c>).
/// </summary>
/// <remarks>
/// A restore that fails or is cancelled removes its own cluster; this covers the one that
/// succeeded. An abort can land while the restore step is finishing on this node, so the observer
/// first waits, at most <see cref="RestoreEndsWithin"/>, for that step to stop running.
/// </remarks>
public sealed class AbortedRecoveryCluster(
    DefinitionCatalog definitions, RunQueries runs, AuditTrail audit, RecoverySettings settings, NodeIdentity node, TimeProvider time, ILogger<AbortedRecoveryCluster> logger) : IRunObserver
{
    private static readonly TimeSpan RestoreEndsWithin = TimeSpan.FromSeconds(15);

    public async Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State != RunState.Aborted) return;
        var run = await WaitForRestoreToEndAsync(change.RunId, cancellationToken);
        if (run is null) return;
        var restore = run.Steps.FirstOrDefault(s => s.Activity == PitrRestoreActivity.Descriptor.Type && s.State == StepState.Succeeded);
        if (restore?.Output is null || JsonNode.Parse(restore.Output) is not JsonObject output) return;
        // The run removed its cluster itself before the abort: nothing is left.
        if (run.Steps.Any(s => s.Activity == RemoveRecoveryClusterActivity.Descriptor.Type && s.State == StepState.Succeeded)) return;

        var directory = RecoveryCluster.DirectoryOf(settings.Runbook.WorkDirectory, change.RunId);
        var port = output["port"]?.GetValue<int>() ?? 0;
        var where = output["node"]?.GetValue<string>();
        var version = await definitions.FindVersionAsync(change.DefinitionId, change.DefinitionVersion, cancellationToken);
        var drop = version is not null && (await definitions.GetVersionAsync(version.Id, cancellationToken)).OnAbort.RestoreTarget == RestoreTargetOnAbort.Drop;
        var policy = $"onAbort.restoreTarget is {(drop ? "drop" : "keep")} in {change.DefinitionId} v{change.DefinitionVersion}";
        var removeByHand = $"stop it with pg_ctl -D {directory}/data -m fast stop and delete {directory}";

        string action, reason;
        if (!drop)
        {
            (action, reason) = ("restore-target.kept", $"left behind: the restored cluster in {directory} on node {where} (127.0.0.1:{port}) was kept ({policy}); when it is no longer needed, {removeByHand}");
        }
        else if (where != node.Id)
        {
            (action, reason) = ("restore-target.kept", $"left behind: the restored cluster is on node {where}, and the abort was handled on {node.Id} ({policy}): on {where}, {removeByHand}");
        }
        else
        {
            try
            {
                var existed = await RecoveryCluster.StopAndDeleteAsync(directory, port, settings.Node.PostgresBinDirectory, cancellationToken);
                (action, reason) = existed
                    ? ("restore-target.dropped", $"the restored cluster in {directory} was stopped and deleted ({policy})")
                    : ("restore-target.none", $"no restored cluster is left in {directory}; nothing to drop ({policy})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Engine.Activities.ActivityFailedException)
            {
                (action, reason) = ("restore-target.kept", $"left behind: the restored cluster in {directory} could not be removed ({policy}): {e.Message}; it holds restored production data: {removeByHand}");
            }
        }
        await audit.AppendAsync(change.RunId, $"node:{node.Id}", action, restore.StepId, reason, null, cancellationToken);
        logger.LogWarning("run {RunId} aborted: {Action}: {Reason}", change.RunId, action, reason);
    }

    /// <summary>The run once no point-in-time restore step of it is running (or the wait is over); null if it has none.</summary>
    private async Task<Run?> WaitForRestoreToEndAsync(long runId, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + RestoreEndsWithin;
        while (true)
        {
            var run = await runs.GetAsync(runId, cancellationToken);
            var restores = run.Steps.Where(s => s.Activity == PitrRestoreActivity.Descriptor.Type).ToList();
            if (restores.Count == 0) return null;
            if (restores.All(s => s.State != StepState.Running) || time.GetUtcNow() > deadline) return run;
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }
}
