using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Runbook.Planning;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Runbook step 2, `runbook.provision-database`: a fresh, empty restore target on
/// TARGET_DATABASE_URL's server (or, with <c>scratch</c>, a restore verification's own database) — dropped (with its sessions) and created again, so a repeated
/// attempt ends exactly where one attempt would. Refuses any other database, and the source.
/// The new database's comment names the run that created it (<see cref="RestoreTargetPlan.CreatedBy"/>).
/// </summary>
public sealed class ProvisionDatabaseActivity(RestoreTargetPlan target) : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.provision-database",
        "Drop and create the restore target database (TARGET_DATABASE_URL, or a per-run name) on the target server; never the source.",
    [
        new ActivityParameter("perRunDatabase", "true: restore into <target>_r<run id> instead of the configured target name.", Default: JsonValue.Create(false)),
        new ActivityParameter("scratch", "true: a scratch database of this run's own, <prefix>_r<run id> on VERIFY_RESTORE_DATABASE_URL's server (default TARGET_DATABASE_URL's), never the target itself; for restore verification.", Default: JsonValue.Create(false)),
    ])
    {
        Outputs = [new("database", "The database restored into"), new("server", "The target server, described without credentials"), new("recreated", "Whether an existing database was dropped first")],
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) =>
        parameters.GetBoolean("scratch") == true ? target.CheckScratchSettings() : target.CheckSettings();

    /// <summary>Reads whether the target exists and whose mark it carries; drops and creates nothing.</summary>
    public async Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var perRun = context.Parameters.GetBoolean("perRunDatabase") ?? false;
        var configured = target.ConfiguredName;
        var name = perRun ? $"{configured}_r{PlanText.RunId(context.RunId)}" : configured;
        var server = PostgresConnectionString.WithDatabase(target.ConnectionFor(context.RunId, configured), "postgres");
        var where = PostgresConnectionString.Describe(server);
        var mark = $"created by leopass-recovery run {PlanText.RunId(context.RunId)}";
        var output = new JsonObject { ["database"] = name, ["server"] = where, ["recreated"] = null };
        if (perRun && context.RunId == Engine.Execution.DryRun.NoRun)
        {
            return new ActivityPlan([$"would create database {name} on {where} (the run's own database: its name takes the run id) and mark it '{mark}'"], output);
        }
        string? comment;
        bool exists;
        try
        {
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync(cancellationToken);
            await using var read = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name", admin);
            read.Parameters.AddWithValue("name", name);
            var found = await read.ExecuteScalarAsync(cancellationToken);
            exists = found is not null;
            comment = found as string;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new ActivityPlan(
            [
                $"cannot tell whether database {name} exists: the target server {where} does not answer ({e.Message})",
                $"would drop database {name} if it exists, create it and mark it '{mark}'",
            ], output);
        }
        output["recreated"] = exists;
        return new ActivityPlan(exists
            ? [
                $"would drop database {name} on {where} with its sessions ({(comment is null ? "it carries no mark" : $"it carries the mark '{comment}'")})",
                $"would create database {name} and mark it '{mark}'",
            ]
            : [$"would create database {name} on {where} (it does not exist yet) and mark it '{mark}'"], output);
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var scratch = context.Parameters.GetBoolean("scratch") == true;
        var name = scratch
            ? target.ScratchNameFor(context.RunId)
            : target.NameFor(context.RunId, context.Parameters.GetBoolean("perRunDatabase") ?? false);
        var connection = target.ConnectionFor(context.RunId, name);
        await context.RecordIntentAsync($"drop (if it exists) and create database {PostgresConnectionString.Describe(connection)}", cancellationToken);
        await using var admin = new NpgsqlConnection(PostgresConnectionString.WithDatabase(connection, "postgres"));
        try
        {
            await admin.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new ActivityFailedException($"cannot connect to the target server {PostgresConnectionString.Describe(connection)}: {e.Message}", inner: e);
        }
        var quoted = RestoreTarget.QuoteIdentifier(name);
        // Held until the new database carries this run's mark: an abort of an earlier run checking its
        // own mark before dropping this name waits, then finds this run's mark and keeps the database.
        await using var held = await RestoreTargetLock.AcquireAsync(admin, name, cancellationToken);
        bool existed;
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin))
        {
            exists.Parameters.AddWithValue("name", name);
            existed = await exists.ExecuteScalarAsync(cancellationToken) is not null;
        }
        if (existed && scratch && await MarkedDatabase.MarkOfAsync(connection, cancellationToken) != RestoreTargetPlan.CreatedBy(context.RunId))
        {
            // A scratch name is this run's alone; one that exists with another mark belongs to someone else.
            throw new ActivityFailedException($"scratch database {name} already exists and was not created by run {context.RunId}: left as it is; drop it by hand if it is a leftover", retryable: false);
        }
        if (existed)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            // FORCE terminated every session of the old database, this process's idle pooled ones too
            // (an earlier run's validation): dropped from the pool, or the next validation gets a dead
            // connection ("57P01: terminating connection due to administrator command").
            await using var pooled = new NpgsqlConnection(connection);
            NpgsqlConnection.ClearPool(pooled);
        }
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", admin))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        // Signed by this run: an abort drops a database only while it still carries its run's mark.
        await using (var mark = new NpgsqlCommand($"COMMENT ON DATABASE {quoted} IS {RestoreTargetPlan.QuoteLiteral(RestoreTargetPlan.CreatedBy(context.RunId))}", admin))
        {
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["database"] = name,
            ["server"] = PostgresConnectionString.Describe(connection),
            ["recreated"] = existed,
        });
    }
}
