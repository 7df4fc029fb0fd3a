using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// The one database a runbook run may write: the database named by TARGET_DATABASE_URL, or its
/// per-run variant <c>&lt;name&gt;_r&lt;run id&gt;</c>, on TARGET_DATABASE_URL's server — and never
/// the source database of DATABASE_URL. Every step that writes asks this class for its connection.
/// </summary>
public sealed class RestoreTargetPlan(RecoverySettings settings)
{
    /// <summary>What every step that touches the restore target needs (<see cref="IActivitySettingsRequirements"/>).</summary>
    public IEnumerable<SettingProblem> CheckSettings()
    {
        if (settings.Runbook.TargetDatabase is null)
        {
            yield return new SettingProblem("TARGET_DATABASE_URL", "the server and database restores go to");
        }
    }

    public string ConfiguredName => PostgresConnectionString.DatabaseOf(settings.Runbook.RequireTargetDatabase());

    /// <summary>The comment the provision step puts on the database it creates: who may drop it on abort.</summary>
    public static string CreatedBy(long runId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"created by leopass-recovery run {runId}");

    public static string QuoteLiteral(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public string NameFor(long runId, bool perRun) => perRun ? $"{ConfiguredName}_r{runId}" : ConfiguredName;

    /// <summary>The connection string for <paramref name="database"/>, refused unless it is this run's configured target.</summary>
    public string ConnectionFor(long runId, string database)
    {
        var configured = settings.Runbook.RequireTargetDatabase();
        if (database != ConfiguredName && database != NameFor(runId, perRun: true))
        {
            throw new ActivityFailedException(
                $"refusing database '{database}': the restore target is '{ConfiguredName}' (TARGET_DATABASE_URL) or this run's '{NameFor(runId, true)}'",
                retryable: false);
        }
        var connection = PostgresConnectionString.WithDatabase(configured, database);
        EnsureNotSource(connection);
        return connection;
    }

    public void EnsureNotSource(string connection)
    {
        if (settings.SourceDatabase is { } source && RestoreTarget.SameDatabase(connection, source))
        {
            throw new ActivityFailedException(
                $"refusing to touch {PostgresConnectionString.Describe(connection)}: it is the source database named by DATABASE_URL. Point TARGET_DATABASE_URL at another database.",
                retryable: false);
        }
    }

    /// <summary>The database the step names (parameter <c>database</c>), defaulting to the configured target.</summary>
    public string ConnectionFor(ActivityContext context) =>
        ConnectionFor(context.RunId, context.Parameters.GetString("database") is { Length: > 0 } name ? name : ConfiguredName);
}
