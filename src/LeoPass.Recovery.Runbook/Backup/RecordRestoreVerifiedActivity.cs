using LeoPass.Recovery.Backup.Catalogue;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// `backup.record-restore-verified`: marks a backup restore-verified in the catalogue once the
/// run's restore and validation steps passed — "restore-verified at …, 42 tables, counts equal".
/// It reads what they measured from their outputs (tables compared, migration head, bytes and
/// durations), so a failed validation halts the run before this step and the backup stays unmarked.
/// Idempotent: a second attempt writes the same mark.
/// </summary>
public sealed class RecordRestoreVerifiedActivity(BackupCatalogue catalogue) : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("backup.record-restore-verified",
        "Mark the backup restore-verified in the catalogue, from the validation step's result (tables, counts equal, migration head).",
    [
        new ActivityParameter("key", "The backup restored.", Default: JsonValue.Create("${steps.download.output.key}")),
        new ActivityParameter("validateStep", "The step whose output says what was compared (a runbook.validate step).", Default: JsonValue.Create("validate")),
    ])
    {
        Outputs = [new("key", "The backup marked"), new("summary", "What the mark says")],
    };

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var key = context.Parameters.RequireString("key");
        var validateStep = context.Parameters.GetString("validateStep") ?? "validate";
        if (!context.StepOutputs.TryGetValue(validateStep, out var validation) || validation["rowCountsEqual"]?.GetValue<bool>() != true)
        {
            throw new ActivityFailedException($"step '{validateStep}' (parameter validateStep) has no passed validation in its output: nothing proves {key}", retryable: false);
        }
        var tables = validation["tablesChecked"]?.GetValue<int>() ?? 0;
        var head = validation["migrationHead"]?.GetValue<string>();
        var summary = string.Create(CultureInfo.InvariantCulture, $"{tables} tables, counts equal{(head is null ? "" : $", migration head {head}")}");
        await context.RecordIntentAsync($"mark {key} restore-verified by run {context.RunId}: {summary}", cancellationToken);
        await catalogue.RecordRestoreVerifiedAsync(key, context.RunId, tables, summary, cancellationToken);
        return ActivityResult.Completed(new JsonObject { ["key"] = key, ["tables"] = tables, ["summary"] = summary });
    }
}
