
namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// `runbook.drop-database`: drops the database this run's provision step created — only while it
/// still carries this run's mark, never the source, never a database of another run. Idempotent:
/// a database already gone is fine. Verify-restore ends with it, so no scratch copy of production
/// data outlives its proof.
/// </summary>
public sealed class DropRestoreTargetActivity(RestoreTargetPlan target) : IActivity, IActivityDeclaration, IActivitySettingsRequirements
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.drop-database",
        "Drop the database this run's provision step created (only while it carries this run's mark); nothing when it is already gone.",
    [
        new ActivityParameter("database", "The database to drop (from the provision step).", Default: JsonValue.Create("${steps.provision.output.database}")),
    ])
    {
        Outputs = [new("database", "The database"), new("dropped", "False when it was already gone")],
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) => target.CheckProvisionedSettings();

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var connection = target.ConnectionFor(context);
        await context.RecordIntentAsync($"drop {PostgresConnectionString.Describe(connection)} if it carries the mark of run {context.RunId}", cancellationToken);
        bool dropped;
        try
        {
            dropped = await MarkedDatabase.DropIfMarkedAsync(connection, context.RunId, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new ActivityFailedException($"{e.Message}: it is not this run's to drop; left as it is", retryable: false);
        }
        return ActivityResult.Completed(new JsonObject { ["database"] = PostgresConnectionString.DatabaseOf(connection), ["dropped"] = dropped });
    }
}
