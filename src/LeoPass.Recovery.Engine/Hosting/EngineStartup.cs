using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Hosting;

/// <summary>
/// Runs before any hosted service starts (so before the Quartz scheduler): migrates the
/// database, publishes the definitions of the workflows directory, and, on an executing node,
/// makes sure each cron definition has its trigger (a command's node, which fires nothing, skips
/// that, and publishes only what changed). A definition that fails validation or
/// changed without a version bump stops the start with the list of errors: a node that silently
/// dropped the nightly backup would be worse than one that does not start. On a clean stop, an
/// executing node removes its cluster check-in.
/// </summary>
public sealed class EngineStartup(
    EngineConnection connection,
    EngineOptions options,
    DefinitionLoader loader,
    DefinitionCatalog catalog,
    CronTriggers cronTriggers,
    ClusterNodes clusterNodes,
    ILogger<EngineStartup> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await EngineDatabase.MigrateAsync(connection.ConnectionString, cancellationToken);
        if (options.WorkflowsDirectory is null) return;
        var schedules = options.ExecutesRuns && options.RunsScheduler;
        // A command's node needs the files published, not parsed: when every file is published as it
        // is (one query), there is nothing to validate, since each was validated when it was published.
        if (!schedules && await catalog.AllPublishedAsync(DefinitionLoader.ContentHashesOf(options.WorkflowsDirectory), cancellationToken))
        {
            logger.LogDebug("node {Node}: every definition in {Directory} is published as it is", options.NodeId, options.WorkflowsDirectory);
            return;
        }
        // Followed definitions first: publishing a follower checks that what it follows is published.
        var loaded = FollowedDefinitionCheck.FollowedFirst(loader.LoadDirectory(options.WorkflowsDirectory));
        foreach (var definition in loaded)
        {
            await catalog.PublishAsync(definition, $"node:{options.NodeId}", cancellationToken);
        }
        logger.LogInformation("node {Node}: {Count} definition(s) from {Directory}: {Ids}", options.NodeId, loaded.Count, options.WorkflowsDirectory,
            string.Join(", ", loaded.Select(d => $"{d.Definition.Id} v{d.Definition.Version}")));
        if (schedules)
        {
            await cronTriggers.SyncAsync(loaded.Select(l => l.Definition), options.Variables, cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>After every hosted service stopped, so after the scheduler: an executing node leaves the cluster.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (!options.ExecutesRuns || !options.RunsScheduler) return;
        try
        {
            await clusterNodes.LeaveAsync(cancellationToken);
            logger.LogInformation("node {Node} left the cluster: its check-in is removed", options.NodeId);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The row then simply ages out, as a crashed node's does.
            logger.LogWarning("node {Node} could not remove its cluster check-in: {Error}", options.NodeId, e.Message);
        }
    }
}
