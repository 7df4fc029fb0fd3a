
namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// `pitr.remove-cluster`: the end of a drill: stops the cluster a point-in-time restore started
/// and deletes its directory, so restored production data does not outlive the drill. Refuses a
/// directory outside RESTORE_WORK_DIR. Idempotent: a cluster already gone is fine.
/// </summary>
public sealed class RemoveRecoveryClusterActivity(RecoverySettings settings) : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("pitr.remove-cluster",
        "Stop the point-in-time restored cluster and delete its directory (drills: nothing restored outlives the run).",
    [
        new ActivityParameter("directory", "The cluster's directory.", Default: JsonValue.Create("${steps.restore.output.directory}")),
        new ActivityParameter("port", "Its port.", Default: JsonValue.Create("${steps.restore.output.port}")),
    ]);

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(context.Parameters.RequireString("directory"));
        var root = Path.GetFullPath(settings.Runbook.WorkDirectory) + Path.DirectorySeparatorChar;
        if (!directory.StartsWith(root, StringComparison.Ordinal) || !Path.GetFileName(directory).StartsWith("pitr-run-", StringComparison.Ordinal))
        {
            throw new ActivityFailedException($"refusing to remove {directory}: a restored cluster lives in a pitr-run-* directory under RESTORE_WORK_DIR ({root})", retryable: false);
        }
        await context.RecordIntentAsync($"stop the restored cluster in {directory} and delete the directory", cancellationToken);
        var port = int.Parse(context.Parameters.RequireString("port"), System.Globalization.CultureInfo.InvariantCulture);
        var existed = await RecoveryCluster.StopAndDeleteAsync(directory, port, settings.Node.PostgresBinDirectory, cancellationToken);
        return ActivityResult.Completed(new JsonObject { ["directory"] = directory, ["removed"] = existed });
    }

}
