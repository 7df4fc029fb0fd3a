using LeoPass.Recovery.Core.Secrets;
using Microsoft.Extensions.Configuration;

namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// Everything the product reads from its environment (12-factor: environment variables first,
/// appsettings.json second, both through the host's <see cref="IConfiguration"/>).
/// <see cref="Load(IConfiguration)"/> checks the format of every variable that is set and refuses
/// the lot with one message naming each bad variable; whether a variable is required depends on
/// the command, so requirements are
/// checked by the <c>Require…</c> methods when the work that needs them starts.
/// </summary>
public sealed record RecoverySettings
{
    /// <summary>The production database that is backed up (DATABASE_URL), as an Npgsql connection string.</summary>
    public string? SourceDatabase { get; init; }

    /// <summary>The orchestrator's own state: catalogue, runs, journal (RECOVERY_DATABASE_URL).</summary>
    public string? RecoveryDatabase { get; init; }

    public StorageSettings Storage { get; init; } = new();
    public BackupSettings Backup { get; init; } = new();
    public AlertSettings Alerts { get; init; } = new();
    public RunbookSettings Runbook { get; init; } = new();
    public NodeSettings Node { get; init; } = new();
    public ClusterSettings Cluster { get; init; } = new();
    public PitrSettings Pitr { get; init; } = new();

    /// <summary>The variables that were set, as read (for the --verbose configuration line; secrets are masked by the log sink).</summary>
    public IReadOnlyDictionary<string, string> Configured { get; init; } = new Dictionary<string, string>();

    public static RecoverySettings Load(IConfiguration configuration) => Load(new EnvironmentReader(configuration));

    public static RecoverySettings Load(EnvironmentReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var backup = BackupSettings.Read(env);
        var recoveryDatabase = env.PostgresConnection("RECOVERY_DATABASE_URL");
        var settings = new RecoverySettings
        {
            SourceDatabase = env.PostgresConnection("DATABASE_URL"),
            RecoveryDatabase = recoveryDatabase,
            Storage = StorageSettings.Read(env, backup.RetentionDays),
            Backup = backup,
            Alerts = AlertSettings.Read(env),
            Runbook = RunbookSettings.Read(env, recoveryDatabase),
            Node = NodeSettings.Read(env),
            Cluster = ClusterSettings.Read(env),
            Pitr = PitrSettings.Read(env, env.Text("LEOPASS_REPO_ROOT")),
        };
        settings = settings with { Configured = new Dictionary<string, string>(env.Set, StringComparer.Ordinal) };
        if (env.Problems.Count > 0)
        {
            throw new ConfigurationException(env.Problems);
        }
        return settings;
    }

    public string RequireSourceDatabase() => SourceDatabase ?? throw new ConfigurationException(
        "DATABASE_URL is not set: expected the database to back up, as postgresql://user:password@host:port/database.");

    /// <summary>The connection the WAL stream and base backups use: WAL_SOURCE_URL, else DATABASE_URL.</summary>
    public string RequireWalSource() => Pitr.SourceConnection ?? SourceDatabase ?? throw new ConfigurationException(
        "neither WAL_SOURCE_URL nor DATABASE_URL is set: the WAL stream and base backups need the source database, as postgresql://user:password@host:port/database with a role that has REPLICATION.");

    public string RequireRecoveryDatabase() => RecoveryDatabase ?? throw new ConfigurationException(
        "RECOVERY_DATABASE_URL is not set: the orchestrator keeps its catalogue, runs and journal in a PostgreSQL database of its own; set it to postgresql://user:password@host:port/leopass_recovery.");

    private IEnumerable<Uri?> SecretUrls =>
        [Alerts.UptimeKumaPushUrl, Alerts.SentryDsn, Alerts.OpsWebhookUrl, Runbook.IncidentWebhookUrl, Runbook.WorkerHookUrl, Runbook.ServicesHookUrl];

    /// <summary>Every secret value in these settings, for redaction from logs and messages.</summary>
    public IEnumerable<string> Secrets()
    {
        if (Storage.SecretKey is not null) yield return Storage.SecretKey;
        if (Backup.DecryptionPassphrase is not null) yield return Backup.DecryptionPassphrase;
        if (Backup.SigningPassphrase is not null) yield return Backup.SigningPassphrase;
        // URLs that hold a token (README: secret): masked whole and in their token-bearing parts.
        foreach (var url in SecretUrls)
        {
            foreach (var part in SecretUrl.Parts(url)) yield return part;
        }
        if (Runbook.CloudflareApiToken is not null) yield return Runbook.CloudflareApiToken;
        foreach (var connection in new[] { SourceDatabase, RecoveryDatabase, Runbook.TargetDatabase, Runbook.VerifyRestoreDatabase, Pitr.SourceConnection })
        {
            if (connection is null) continue;
            var password = new Npgsql.NpgsqlConnectionStringBuilder(connection).Password;
            if (!string.IsNullOrEmpty(password)) yield return password;
        }
    }
}
