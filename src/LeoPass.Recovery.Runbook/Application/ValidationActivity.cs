using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Runbook.Restore;
using LeoPass.Recovery.Runbook.Shell;

namespace LeoPass.Recovery.Runbook.Application;

/// <summary>
/// Runbook step 7, `runbook.validate`: the built-in data checks (every table of the manifest is
/// present with exactly the row count taken in the backup's snapshot), then the smoke-test
/// commands with DATABASE_URL at the restored database. The runbook's "manual scan/auth flow
/// checks" are an approval gate after this step, when the definition asks for one. Read-only,
/// hence idempotent.
/// </summary>
public sealed class ValidationActivity(RestoreTargetPlan target, ArtefactReader reader, RecoverySettings settings) : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.validate",
        "Check every manifest table is present with equal row counts, then run the smoke-test commands against the restored database.",
    [
        new ActivityParameter("database", "The restored database.", Default: JsonValue.Create("${steps.provision.output.database}")),
        new ActivityParameter("key", "The restored artefact, whose manifest lists the tables.", Default: JsonValue.Create("${steps.download.output.key}")),
        new ActivityParameter("smokeTests", "false skips the smoke-test commands (SMOKE_TEST_COMMANDS).", Default: JsonValue.Create(true)),
        new ActivityParameter("migrationHead", "true also compares the restored database's newest Prisma migration with the manifest's (before any migration step ran).", Default: JsonValue.Create(false)),
    ])
    {
        Category = "validation",
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) => target.CheckProvisionedSettings();

    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var database = context.Parameters.GetString("database") is { Length: > 0 } name ? name : target.ConfiguredName;
        var where = PostgresConnectionString.Describe(PostgresConnectionString.WithDatabase(settings.Runbook.RequireTargetDatabase(), database));
        var key = context.Parameters.RequireString("key");
        var manifest = await RunbookFailures.NotRetryableAsync(() => reader.ResolveAsync(key, cancellationToken));
        var actions = new List<string>
        {
            $"would compare the row counts of {manifest.Tables.Count} tables ({manifest.Tables.Sum(t => t.Rows)} rows) in the manifest of {manifest.Key} with {where} (read-only)",
        };
        if (context.Parameters.GetBoolean("smokeTests") ?? true)
        {
            actions.AddRange(settings.Runbook.SmokeTestCommands.Select(command => $"would run smoke test `{command}` with DATABASE_URL at {where}"));
            if (settings.Runbook.SmokeTestCommands.Count == 0) actions.Add("would run no smoke test: SMOKE_TEST_COMMANDS is empty");
        }
        else
        {
            actions.Add("would run no smoke test: smokeTests is false");
        }
        return new ActivityPlan(actions, new JsonObject { ["database"] = database, ["tablesChecked"] = manifest.Tables.Count });
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var connection = target.ConnectionFor(context);
        var key = context.Parameters.RequireString("key");
        var manifest = await RunbookFailures.NotRetryableAsync(() => reader.ResolveAsync(key, cancellationToken));
        await context.RecordIntentAsync($"read-only checks of {PostgresConnectionString.Describe(connection)} against the manifest of {key}", cancellationToken);
        var mismatches = await RowCountCheck.CompareAsync(connection, manifest.Tables, cancellationToken);
        if (mismatches.Count > 0)
        {
            throw new ActivityFailedException($"the restored database differs from the backup in {mismatches.Count} table(s): {string.Join("; ", mismatches.Take(5))}", retryable: false);
        }
        var checkHead = context.Parameters.GetBoolean("migrationHead") ?? false;
        if (checkHead && await PrismaMigrations.DifferenceAsync(connection, manifest.LatestMigration, cancellationToken) is { } headDiffers)
        {
            throw new ActivityFailedException($"the restored database differs from the backup: {headDiffers}", retryable: false);
        }

        var smoke = new JsonArray();
        if (context.Parameters.GetBoolean("smokeTests") ?? true)
        {
            foreach (var command in settings.Runbook.SmokeTestCommands)
            {
                await context.RecordIntentAsync($"smoke test `{command}` against {PostgresConnectionString.Describe(connection)}", cancellationToken);
                var result = await ShellCommand.RunAsync(command, settings.Runbook.AppDirectory, ApplicationEnvironment.For(connection, context), cancellationToken);
                if (!result.Succeeded)
                {
                    throw new ActivityFailedException(result.Failure($"smoke test `{command}`"));
                }
                smoke.Add(new JsonObject { ["command"] = command, ["exitCode"] = result.ExitCode, ["durationMs"] = (long)result.Duration.TotalMilliseconds });
            }
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["database"] = PostgresConnectionString.DatabaseOf(connection),
            ["tablesChecked"] = manifest.Tables.Count,
            ["rowsChecked"] = manifest.Tables.Sum(t => t.Rows),
            ["rowCountsEqual"] = true,
            ["migrationHead"] = checkHead ? manifest.LatestMigration?.Name ?? "none" : null,
            ["smokeTests"] = smoke,
            ["passedAt"] = context.Time.GetUtcNow(),
        });
    }
}
