using LeoPass.Recovery.Backup.Restore;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// The one database a runbook run may write: the database named by TARGET_DATABASE_URL, or its
/// per-run variant <c>&lt;name&gt;_r&lt;run id&gt;</c>, on TARGET_DATABASE_URL's server; or, for a
/// restore verification, the run's scratch database <c>&lt;prefix&gt;_r&lt;run id&gt;</c> on
/// VERIFY_RESTORE_DATABASE_URL's server (default TARGET_DATABASE_URL's) — never the target database
/// itself, and never the source database of DATABASE_URL. Every step that writes asks this class
/// for its connection.
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

    /// <summary>
    /// What a step needs that works on whichever database the provision step made (restore,
    /// validation): a target or a scratch server. Provision itself checks which one it makes.
    /// </summary>
    public IEnumerable<SettingProblem> CheckProvisionedSettings() => ScratchConfigured ? [] : CheckSettings();

    public string ConfiguredName => PostgresConnectionString.DatabaseOf(settings.Runbook.RequireTargetDatabase());


    /// <summary>Whether a scratch server is known: VERIFY_RESTORE_DATABASE_URL, else TARGET_DATABASE_URL.</summary>
    public bool ScratchConfigured => ScratchServer is not null;

    private string? ScratchServer => settings.Runbook.VerifyRestoreDatabase ?? settings.Runbook.TargetDatabase;

    /// <summary>
    /// Scratch databases are named after VERIFY_RESTORE_DATABASE_URL's database name, else after the
    /// restore target's (<c>leopass_restore_verify</c>): run ids count per installation, so two
    /// installations sharing a server must not share a prefix.
    /// </summary>
    private string ScratchPrefix => settings.Runbook.VerifyRestoreDatabase is { } verify
        ? PostgresConnectionString.DatabaseOf(verify)
        : PostgresConnectionString.DatabaseOf(settings.Runbook.RequireTargetDatabase()) + "_verify";

    /// <summary>The scratch database of one restore verification run.</summary>
    public string ScratchNameFor(long runId) => $"{ScratchPrefix}_r{runId}";

    /// <summary>What a step working on a scratch database needs.</summary>
    public IEnumerable<SettingProblem> CheckScratchSettings()
    {
        if (!ScratchConfigured)
        {
            yield return new SettingProblem("VERIFY_RESTORE_DATABASE_URL", "the scratch server a restore verification restores onto (or TARGET_DATABASE_URL, whose server it then uses)");
        }
        else if (settings.Runbook.TargetDatabase is { } configured && settings.Runbook.VerifyRestoreDatabase is not null && ScratchPrefix == PostgresConnectionString.DatabaseOf(configured))
        {
            yield return new SettingProblem("VERIFY_RESTORE_DATABASE_URL", "a database name other than TARGET_DATABASE_URL's: scratch databases are named after it, and must never be taken for the restore target");
        }
    }

    /// <summary>The comment the provision step puts on the database it creates: who may drop it on abort.</summary>
    public static string CreatedBy(long runId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"created by leopass-recovery run {runId}");

    public static string QuoteLiteral(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public string NameFor(long runId, bool perRun) => perRun ? $"{ConfiguredName}_r{runId}" : ConfiguredName;

    /// <summary>The connection string for <paramref name="database"/>, refused unless it is this run's configured target.</summary>
    public string ConnectionFor(long runId, string database)
    {
        if (ScratchServer is { } scratchServer && database == ScratchNameFor(runId))
        {
            var scratch = PostgresConnectionString.WithDatabase(scratchServer, database);
            EnsureNotSource(scratch);
            return scratch;
        }
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
