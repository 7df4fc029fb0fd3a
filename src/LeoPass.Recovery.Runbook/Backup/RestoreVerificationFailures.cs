using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Restore;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// A restore verification that halts leaves its backup unmarked, and says so on the backup: the
/// catalogue records when and why it failed (<c>backup list</c>, the API and the console show it).
/// The alert itself is <see cref="Alerts.BackupRunAlerts"/>'s, as for any run with a backup.* step.
/// A verification run is one whose definition has a <see cref="RecordRestoreVerifiedActivity"/> step.
/// </summary>
public sealed class RestoreVerificationFailures(DefinitionCatalog definitions, RunQueries runs, BackupCatalogue catalogue) : IRunObserver
{
    public async Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        if (change.State != RunState.Halted) return;
        var definition = await definitions.FindDefinitionAsync(change.DefinitionId, change.DefinitionVersion, cancellationToken);
        if (definition is null || definition.Steps.All(s => s.Activity != RecordRestoreVerifiedActivity.Descriptor.Type)) return;
        var run = await runs.GetAsync(change.RunId, cancellationToken);
        // The backup is known once the download step chose it; a failure before that is only alerted.
        var download = run.Steps.FirstOrDefault(s => s.Activity == DownloadArtefactActivity.Descriptor.Type && s.Output is not null);
        if (download?.Output is null || System.Text.Json.Nodes.JsonNode.Parse(download.Output)?["key"]?.GetValue<string>() is not { } key) return;
        await catalogue.RecordRestoreVerifyFailedAsync(key, $"run {run.Id}: {run.HaltReason ?? "halted"}", cancellationToken);
    }
}
