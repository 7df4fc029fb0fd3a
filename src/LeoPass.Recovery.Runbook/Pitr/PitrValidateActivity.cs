using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Runbook.Application;
using LeoPass.Recovery.Runbook.Shell;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// `pitr.validate`: checks the cluster a point-in-time restore made, as the dump drill checks its
/// restore: every table of the restored database is read and its rows counted (a damaged page
/// fails here), the schema's migration head is compared with the one the deployed code expects,
/// and the smoke-test commands run with DATABASE_URL at the restored database. Read-only.
/// </summary>
public sealed class PitrValidateActivity(RecoverySettings settings) : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("pitr.validate",
        "Count every table's rows in the point-in-time restored database, compare its migration head with the code's, run the smoke tests against it.",
    [
        new ActivityParameter("port", "The restored cluster's port.", Default: JsonValue.Create("${steps.restore.output.port}")),
        new ActivityParameter("database", "The restored database.", Default: JsonValue.Create("${steps.restore.output.database}")),
        new ActivityParameter("smokeTests", "false skips the smoke-test commands (SMOKE_TEST_COMMANDS).", Default: JsonValue.Create(true)),
    ])
    {
        Category = "validation",
    };

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var port = int.Parse(context.Parameters.RequireString("port"), System.Globalization.CultureInfo.InvariantCulture);
        var connection = new NpgsqlConnectionStringBuilder(settings.RequireSourceDatabase())
        {
            Host = "127.0.0.1", Port = port, Database = context.Parameters.RequireString("database"), Pooling = false, SslMode = SslMode.Disable,
        }.ConnectionString;
        await context.RecordIntentAsync($"read-only checks of the restored database {PostgresConnectionString.Describe(connection)}", cancellationToken);

        var tables = new JsonArray();
        long rows = 0;
        string? head;
        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync(cancellationToken);
            var names = new List<(string Schema, string Name)>();
            await using (var list = new NpgsqlCommand("""
                SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2
                """, db))
            await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) names.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (schema, name) in names)
            {
                await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Quote(schema)}.{Quote(name)}", db) { CommandTimeout = 0 };
                var n = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
                rows += n;
                tables.Add(new JsonObject { ["table"] = $"{schema}.{name}", ["rows"] = n });
            }
            head = (await LeoPass.Recovery.Backup.Restore.PrismaMigrations.LatestAsync(db, null, cancellationToken))?.Name;
        }

        var expected = settings.Runbook.ExpectedMigration ?? RunMigrationsActivity.NewestPrismaMigration(settings.Runbook.AppDirectory);
        string? warning = null;
        if (expected is not null && head != expected)
        {
            warning = $"restore schema mismatch: the restored database's newest migration is {head ?? "(none)"}, the code expects {expected}";
            context.Logger.LogWarning("run {RunId}: {Warning}", context.RunId, warning);
        }

        var smoke = new JsonArray();
        if (context.Parameters.GetBoolean("smokeTests") ?? true)
        {
            foreach (var command in settings.Runbook.SmokeTestCommands)
            {
                await context.RecordIntentAsync($"smoke test `{command}` against {PostgresConnectionString.Describe(connection)}", cancellationToken);
                var result = await ShellCommand.RunAsync(command, settings.Runbook.AppDirectory, ApplicationEnvironment.For(connection, context), cancellationToken);
                if (!result.Succeeded) throw new ActivityFailedException(result.Failure($"smoke test `{command}`"));
                smoke.Add(new JsonObject { ["command"] = command, ["exitCode"] = result.ExitCode, ["durationMs"] = (long)result.Duration.TotalMilliseconds });
            }
        }
        // Kept small for the journal: the ten largest tables.
        var largest = new JsonArray([.. tables.OrderByDescending(t => t!["rows"]!.GetValue<long>()).Take(10).Select(t => t!.DeepClone())]);
        return ActivityResult.Completed(new JsonObject
        {
            ["database"] = PostgresConnectionString.DatabaseOf(connection),
            ["tablesChecked"] = tables.Count,
            ["rowsCounted"] = rows,
            ["largestTables"] = largest,
            ["migrationHead"] = head,
            ["expectedMigration"] = expected,
            ["warning"] = warning,
            ["smokeTests"] = smoke,
            ["passedAt"] = context.Time.GetUtcNow(),
        });
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
