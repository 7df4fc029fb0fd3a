using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// No decrypted dump outlives its run on this node. When a run's execution here ends — it
/// succeeded, halted waiting for a responder, or was aborted — its working directory goes (a retry
/// after a halt downloads again: plaintext production data does not wait on disk for a person).
/// A run aborted from this process goes at once too. At start and every 30 s, an executing node also removes the directories of runs that
/// are no longer active: one aborted while it waited at a gate, one whose node died and that
/// finished elsewhere. Directories of runs still running or waiting are kept: another node on this
/// machine may be restoring from them.
/// </summary>
public sealed class DumpCleanup(DumpFiles dumps, RunQueries runs, EngineOptions engine, ILogger<DumpCleanup> logger) : IExecutionStoppedListener, IRunObserver, IHostedService, IDisposable
{
    // A sweep that finds no run-* directory costs one directory listing; one that finds some, one
    // query for their states. Short, so a dump of a run aborted from another machine while it
    // waited at a gate is gone within this, not minutes later.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private Task _sweeping = Task.CompletedTask;

    public Task OnExecutionStoppedAsync(long runId, RunExecutionResult result, CancellationToken cancellationToken)
    {
        if (result is RunExecutionResult.Succeeded or RunExecutionResult.Halted or RunExecutionResult.Aborted && dumps.DeleteRun(runId))
        {
            logger.LogInformation("run {RunId} ended here ({Result}): its working directory with any decrypted dump is deleted", runId, result);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A run aborted from this process (CLI, API, console) while it waited at a gate or halted has
    /// no execution to stop here: its dump, if this machine holds it, goes now rather than at the next sweep.
    /// </summary>
    public Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State == RunState.Aborted && dumps.DeleteRun(change.RunId))
        {
            logger.LogInformation("run {RunId} was aborted: its working directory with any decrypted dump is deleted", change.RunId);
        }
        return Task.CompletedTask;
    }

    /// <summary>Deletes the working directories of runs that are not running or waiting (or do not exist); returns their run ids.</summary>
    public async Task<IReadOnlyList<long>> SweepAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dumps.WorkDirectory)) return [];
        var found = new Dictionary<long, string>();
        foreach (var directory in Directory.EnumerateDirectories(dumps.WorkDirectory, "run-*"))
        {
            if (long.TryParse(Path.GetFileName(directory)["run-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var runId)) found[runId] = directory;
        }
        if (found.Count == 0) return [];
        var states = await runs.StatesAsync(found.Keys, cancellationToken);
        var deleted = new List<long>();
        foreach (var runId in found.Keys)
        {
            var active = states.TryGetValue(runId, out var state) && state is RunState.Pending or RunState.Running or RunState.WaitingForApproval;
            if (!active && dumps.DeleteRun(runId)) deleted.Add(runId);
        }
        if (deleted.Count > 0) logger.LogWarning("deleted the working directories of {Count} run(s) that are no longer active: {Runs}", deleted.Count, string.Join(", ", deleted));
        return deleted;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (engine.ExecutesRuns) _sweeping = SweepPeriodicallyAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _sweeping;
    }

    private async Task SweepPeriodicallyAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stop);
                await Task.Delay(SweepInterval, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("sweeping {Directory} failed: {Error}; trying again in {Interval}", dumps.WorkDirectory, e.Message, SweepInterval);
                try { await Task.Delay(SweepInterval, stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    public void Dispose() => _stop.Dispose();
}
