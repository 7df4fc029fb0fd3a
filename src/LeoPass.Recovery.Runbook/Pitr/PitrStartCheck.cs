using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// Refuses a point-in-time restore at its start, before any step acts, when its target cannot be
/// reached: not a target, before the earliest base backup's end, after the newest shipped WAL, or
/// no restore window at all. The refusal names the restore window ("restore to any second from …
/// to …") so the responder can pick a target that works.
/// </summary>
public sealed class PitrStartCheck(PitrRestoreActivity restore, RecoverySettings settings) : IRunStartCheck
{
    public async Task CheckAsync(WorkflowDefinition definition, JsonObject parameters, CancellationToken cancellationToken)
    {
        var step = definition.Steps.FirstOrDefault(s => s.Activity == PitrRestoreActivity.Descriptor.Type && s.Enabled);
        if (step is null) return;
        // A production point-in-time restore replaces the source: its confirmation names the source database.
        if (definition.Parameters.Any(p => p.Name == DefinitionPolicy.ConfirmParameter) && settings.SourceDatabase is { } source)
        {
            var expected = PostgresConnectionString.DatabaseOf(source);
            var confirm = parameters[DefinitionPolicy.ConfirmParameter]?.ToString();
            if (confirm != expected)
            {
                throw new InvalidRunRequestException(string.IsNullOrWhiteSpace(confirm)
                    ? $"{definition.Id}: refused before any step ran: this restore needs --confirm {expected} (the source database's name), to show you know which database it replaces"
                    : $"{definition.Id}: refused before any step ran: --confirm '{confirm}' does not name the source database '{expected}' (DATABASE_URL)");
            }
        }
        var text = parameters["target"]?.ToString() ?? step.Parameters["target"]?.ToString() ?? "latest";
        if (text.Contains("${", StringComparison.Ordinal)) text = "latest";
        try
        {
            await restore.PlanAsync(PitrTarget.Parse(text), cancellationToken);
        }
        catch (Exception e) when (e is ActivityFailedException or FormatException)
        {
            throw new InvalidRunRequestException($"{definition.Id}: refused before any step ran: {e.Message}");
        }
    }
}
