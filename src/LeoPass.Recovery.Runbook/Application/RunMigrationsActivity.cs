using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Runbook.Restore;
using LeoPass.Recovery.Runbook.Shell;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Application;

/// <summary>
/// Runbook step 5, `runbook.run-migrations`: the configured command (default
/// <c>npx prisma migrate deploy</c>) in APP_DIR with DATABASE_URL pointing at the restored
/// database; the step's timeout bounds it, its output tail is kept. Warns — the seed's "restore
/// schema mismatch" — when the backup's newest migration differs from the one the code expects.
/// Migrations are idempotent by design (applied ones are recorded and skipped).
/// </summary>
public sealed class RunMigrationsActivity(RestoreTargetPlan target, ArtefactReader reader, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.run-migrations",
        "Run the migrations command (default `npx prisma migrate deploy`) against the restored database; warn on a schema mismatch.",
    [
        new ActivityParameter("database", "The restored database.", Default: JsonValue.Create("${steps.provision.output.database}")),
        new ActivityParameter("key", "The restored artefact, for its latest migration.", Default: JsonValue.Create("${steps.download.output.key}")),
        new ActivityParameter("command", "Overrides MIGRATIONS_COMMAND."),
    ]);

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) => target.CheckSettings();

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var database = context.Parameters.GetString("database") is { Length: > 0 } name ? name : target.ConfiguredName;
        var where = PostgresConnectionString.Describe(PostgresConnectionString.WithDatabase(settings.Runbook.RequireTargetDatabase(), database));
        var command = context.Parameters.GetString("command") is { Length: > 0 } c ? c : settings.Runbook.MigrationsCommand;
        var actions = new List<string> { $"would run `{command}` in {settings.Runbook.AppDirectory ?? "the current directory"} with DATABASE_URL at {where}" };
        var expected = settings.Runbook.ExpectedMigration ?? NewestPrismaMigration(settings.Runbook.AppDirectory);
        var download = context.StepOutputs.Values.FirstOrDefault(o => o.ContainsKey("latestMigration"));
        if (expected is not null && download is not null && download["latestMigration"]?.GetValue<string>() is var fromBackup && fromBackup != expected)
        {
            actions.Add($"would warn of a schema mismatch: the backup's newest migration is {fromBackup ?? "(none)"}, the code expects {expected}");
        }
        return Task.FromResult(new ActivityPlan(actions, new JsonObject { ["command"] = command }));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var connection = target.ConnectionFor(context);
        var command = context.Parameters.GetString("command") is { Length: > 0 } c ? c : settings.Runbook.MigrationsCommand;
        string? fromBackup = null;
        if (context.Parameters.GetString("key") is { Length: > 0 } key)
        {
            fromBackup = (await RunbookFailures.NotRetryableAsync(() => reader.ResolveAsync(key, cancellationToken))).LatestMigration?.Name;
        }
        var expected = settings.Runbook.ExpectedMigration ?? NewestPrismaMigration(settings.Runbook.AppDirectory);
        string? warning = null;
        if (expected is not null && fromBackup != expected)
        {
            warning = $"restore schema mismatch: the backup's newest migration is {fromBackup ?? "(none)"}, the code expects {expected}; the command applies what is missing — compare with `prisma migrate diff` if it fails";
            context.Logger.LogWarning("run {RunId}: {Warning}", context.RunId, warning);
        }

        await context.RecordIntentAsync($"run `{command}` in {settings.Runbook.AppDirectory ?? "the current directory"} with DATABASE_URL at {PostgresConnectionString.Describe(connection)}", cancellationToken);
        var result = await ShellCommand.RunAsync(command, settings.Runbook.AppDirectory, ApplicationEnvironment.For(connection, context), cancellationToken);
        if (!result.Succeeded)
        {
            throw new ActivityFailedException(result.Failure($"migrations command `{command}`"));
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["command"] = command,
            ["exitCode"] = result.ExitCode,
            ["durationMs"] = (long)result.Duration.TotalMilliseconds,
            ["backupMigration"] = fromBackup,
            ["expectedMigration"] = expected,
            ["warning"] = warning,
            ["output"] = result.LastLines(15),
        });
    }

    internal static string? NewestPrismaMigration(string? appDirectory)
    {
        if (appDirectory is null) return null;
        var migrations = Path.Combine(appDirectory, "prisma", "migrations");
        return Directory.Exists(migrations)
            ? Directory.GetDirectories(migrations).Select(Path.GetFileName).Where(n => n is not null).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }
}
