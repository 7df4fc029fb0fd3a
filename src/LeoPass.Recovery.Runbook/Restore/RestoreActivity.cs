using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Runbook.Planning;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Runbook step 4, `runbook.restore`: <c>pg_restore --clean --if-exists --jobs N</c> from the dump
/// file the download step names in its output into the provisioned target. Idempotent: --clean
/// replaces whatever an interrupted attempt left. When that file is not usable on this node (it is
/// on the disk of a node that died, or incomplete), nothing is touched: the engine runs the download
/// step again here first. The file is deleted once restored (in the background: the step ends when
/// pg_restore does).
/// </summary>
public sealed class RestoreActivity(RestoreTargetPlan target, DumpFiles dumps, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.restore",
        "pg_restore --clean --if-exists --jobs N of the downloaded dump into the restore target.",
    [
        new ActivityParameter("dumpStep", "The step whose output names the dump file (the download step).", Default: JsonValue.Create("download")),
        new ActivityParameter("database", "The target database (from the provision step).", Default: JsonValue.Create("${steps.provision.output.database}")),
        new ActivityParameter("jobs", "pg_restore --jobs; default RESTORE_JOBS.", Type: "integer"),
        new ActivityParameter("noOwner", "true: --no-owner --no-acl, for a target server without the production roles.", Default: JsonValue.Create(false)),
    ]);

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) => target.CheckProvisionedSettings();

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var dumpStep = context.Parameters.GetString("dumpStep") ?? "download";
        var database = context.Parameters.GetString("database") is { Length: > 0 } name ? name : target.ConfiguredName;
        var where = PostgresConnectionString.Describe(PostgresConnectionString.WithDatabase(settings.Runbook.RequireTargetDatabase(), database));
        var jobs = (int)(context.Parameters.GetInt64("jobs") ?? settings.Runbook.RestoreJobs);
        var options = $"pg_restore --clean --if-exists -j {jobs}{((context.Parameters.GetBoolean("noOwner") ?? false) ? " --no-owner --no-acl" : "")}";
        if (!context.StepOutputs.TryGetValue(dumpStep, out var dump) || dump["key"]?.GetValue<string>() is not { } key)
        {
            return Task.FromResult(new ActivityPlan([$"would restore the dump step '{dumpStep}' downloads with {options} into {where} (that step's plan names no artefact)"]));
        }
        var bytes = dump["dumpBytes"]?.GetValue<long>() ?? 0;
        return Task.FromResult(new ActivityPlan(
            [$"would restore artefact {key} ({PlanText.Bytes(bytes)}) with {options} into {where}"],
            new JsonObject { ["database"] = database, ["key"] = key, ["jobs"] = jobs, ["dumpBytes"] = bytes }));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var connection = target.ConnectionFor(context);
        var dumpStep = context.Parameters.GetString("dumpStep") ?? "download";
        if (!context.StepOutputs.TryGetValue(dumpStep, out var dump) || dump["file"]?.GetValue<string>() is not { } file || dump["dumpBytes"]?.GetValue<long>() is not { } bytes)
        {
            throw new ActivityFailedException($"step '{dumpStep}' (parameter dumpStep) has no output naming a dump file and its size: it must be a completed runbook.download-artefact step", retryable: false);
        }
        var key = dump["key"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(file);
        if (dumps.WhyUnusable(file, bytes) is { } why)
        {
            throw new StepInputUnavailableException(dumpStep, $"the dump {file} written by node {dump["node"]?.GetValue<string>() ?? "?"} {why}");
        }
        var jobs = (int)(context.Parameters.GetInt64("jobs") ?? settings.Runbook.RestoreJobs);
        var noOwner = context.Parameters.GetBoolean("noOwner") ?? false;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var session = RestoreSessions.ApplicationName(context);
        if (context.Attempt > 1)
        {
            await context.RecordIntentAsync($"end the sessions of earlier restore attempts of run {context.RunId} still connected to {PostgresConnectionString.Describe(connection)}", cancellationToken);
            await RestoreSessions.EndEarlierAttemptsAsync(context, connection, cancellationToken);
        }
        await context.RecordIntentAsync($"pg_restore --clean --if-exists --jobs {jobs} into {PostgresConnectionString.Describe(connection)} from {file} as '{session}'", cancellationToken);
        try
        {
            await PgRestoreRunner.RunAsync(file, connection, jobs, noOwner, cancellationToken, session);
        }
        catch (BackupException e)
        {
            throw new ActivityFailedException(e.Message, retryable: true, e);
        }
        dumps.DeleteInBackground(file);
        return ActivityResult.Completed(new JsonObject
        {
            ["database"] = PostgresConnectionString.DatabaseOf(connection),
            ["key"] = key,
            ["jobs"] = jobs,
            ["dumpBytes"] = bytes,
            ["durationMs"] = (long)stopwatch.Elapsed.TotalMilliseconds,
        });
    }
}
