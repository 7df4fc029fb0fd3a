using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;

namespace LeoPass.Recovery.Runbook.Alerts;

/// <summary>
/// A backup run that halts never reaches its notify step, so the engine tells this observer and
/// the failure is alerted here (down push, Sentry, Ops webhook) — once per halt, after the step's
/// retries, whichever step failed. A backup run is a run of a definition with a backup.* step.
/// </summary>
public sealed class BackupRunAlerts(BackupAlerts alerts, DefinitionCatalog definitions) : IRunObserver
{
    public async Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State != RunState.Halted) return;
        var version = await definitions.FindVersionAsync(change.DefinitionId, change.DefinitionVersion, cancellationToken);
        if (version is null) return;
        var definition = await definitions.GetVersionAsync(version.Id, cancellationToken);
        if (!definition.Steps.Any(s => s.Activity.StartsWith("backup.", StringComparison.Ordinal))) return;
        await alerts.HaltedAsync(change.RunId, cancellationToken);
    }
}
