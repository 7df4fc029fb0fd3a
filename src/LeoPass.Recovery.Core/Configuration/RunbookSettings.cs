using System.Text.Json;

namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// What the restore runbook (drills, incident restores, DR rehearsals) works with: the server it
/// restores onto, the traffic switches it flips, the commands it runs and where it reports.
/// Every value is optional at load; each activity refuses to start, naming the variable, when
/// one it needs is missing.
/// </summary>
public sealed record RunbookSettings
{
    public const string DefaultCloudflareApiBaseUrl = "https://api.cloudflare.com/client/v4";
    public const string DefaultMigrationsCommand = "npx prisma migrate deploy";
    public static readonly IReadOnlyList<string> DefaultSmokeTestCommands =
    [
        "npm run test --workspace @eventure-leopass/api",
        "npm run test --workspace @eventure-leopass/web",
    ];

    /// <summary>TARGET_DATABASE_URL: the server (and credentials) restores go to; its database name is the configured restore target.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>
    /// VERIFY_RESTORE_DATABASE_URL: the scratch server verify-restore restores onto, each run into a
    /// database of its own (<c>&lt;name&gt;_r&lt;run id&gt;</c>, the name from the URL, default
    /// <c>leopass_verify</c>); unset, TARGET_DATABASE_URL's server.
    /// </summary>
    public string? VerifyRestoreDatabase { get; init; }

    /// <summary>RESTORE_WORK_DIR: where the decrypted dump is written (owner-only) between download and pg_restore; one per cluster (<see cref="DefaultWorkDirectory"/>).</summary>
    public string WorkDirectory { get; init; } = DefaultWorkDirectory(null);

    /// <summary>RESTORE_JOBS: pg_restore --jobs.</summary>
    public int RestoreJobs { get; init; } = 2;

    public Uri CloudflareApiBaseUrl { get; init; } = new(DefaultCloudflareApiBaseUrl);
    /// <summary>CLOUDFLARE_API_TOKEN (secret).</summary>
    public string? CloudflareApiToken { get; init; }
    public string? CloudflareZoneId { get; init; }

    public string? WorkerPauseCommand { get; init; }
    public string? WorkerResumeCommand { get; init; }
    public Uri? WorkerHookUrl { get; init; }

    /// <summary>APP_DIR: the application checkout where migrations and smoke tests run.</summary>
    public string? AppDirectory { get; init; }
    public string MigrationsCommand { get; init; } = DefaultMigrationsCommand;
    /// <summary>EXPECTED_MIGRATION: the newest migration the deployed code expects; else the newest folder of APP_DIR/prisma/migrations.</summary>
    public string? ExpectedMigration { get; init; }
    public IReadOnlyList<string> SmokeTestCommands { get; init; } = DefaultSmokeTestCommands;

    public string? ServicesEnvFile { get; init; }
    public string? ServicesReconfigureCommand { get; init; }
    public Uri? ServicesHookUrl { get; init; }
    /// <summary>APP_DATABASE_ROLE: the application's login role, whose password a rotation replaces.</summary>
    public string? ApplicationRole { get; init; }

    public string ShipNotesPath { get; init; } = "SHIP_NOTES.md";
    public Uri? IncidentWebhookUrl { get; init; }

    /// <summary>The infrastructure check and DNS failover of a DR rehearsal (DNS_*, RESTORE_SPACE_MARGIN, RESTORE_TARGET_FREE_BYTES).</summary>
    public FailoverSettings Failover { get; init; } = new();

    public string DrillCron { get; init; } = "0 3 1 * *";
    public string DrRehearsalCron { get; init; } = "0 4 1 1,4,7,10 *";

    public bool CloudflareConfigured => CloudflareApiToken is not null && CloudflareZoneId is not null;

    public string RequireTargetDatabase() => TargetDatabase ?? throw new ConfigurationException(
        "TARGET_DATABASE_URL is not set: a restore needs the server to restore onto, as postgresql://user:password@host:port/leopass_restore (the database name is the restore target; never the DATABASE_URL database).");

    /// <summary>
    /// RESTORE_WORK_DIR's default: a folder per recovery database under $TMPDIR/leopass-restore.
    /// Run ids start at 1 in every recovery database, so two clusters on one host (production and
    /// staging, or a demo) sharing one folder would share `run-2`, and one's cleanup would delete
    /// the other's dump mid-restore.
    /// </summary>
    public static string DefaultWorkDirectory(string? recoveryDatabase)
    {
        var root = Path.Combine(Path.GetTempPath(), "leopass-restore");
        if (recoveryDatabase is null) return root;
        var cluster = PostgresConnectionString.Describe(recoveryDatabase);
        var folder = new string(cluster.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray());
        return Path.Combine(root, folder);
    }

    internal static RunbookSettings Read(EnvironmentReader env, string? recoveryDatabase)
    {
        var settings = new RunbookSettings
        {
            TargetDatabase = env.PostgresConnection("TARGET_DATABASE_URL"),
            VerifyRestoreDatabase = env.PostgresConnection("VERIFY_RESTORE_DATABASE_URL"),
            WorkDirectory = env.Text("RESTORE_WORK_DIR") is { } dir ? Path.GetFullPath(dir) : DefaultWorkDirectory(recoveryDatabase),
            RestoreJobs = env.Integer("RESTORE_JOBS", 2, 1, 64),
            CloudflareApiBaseUrl = env.HttpUrl("CLOUDFLARE_API_BASE_URL") ?? new Uri(DefaultCloudflareApiBaseUrl),
            CloudflareApiToken = env.Text("CLOUDFLARE_API_TOKEN"),
            CloudflareZoneId = ZoneId(env),
            WorkerPauseCommand = env.Text("WORKER_PAUSE_COMMAND"),
            WorkerResumeCommand = env.Text("WORKER_RESUME_COMMAND"),
            WorkerHookUrl = env.HttpUrl("WORKER_HOOK_URL", isSecret: true),
            AppDirectory = ExistingDirectory(env, "APP_DIR"),
            MigrationsCommand = env.Text("MIGRATIONS_COMMAND") ?? DefaultMigrationsCommand,
            ExpectedMigration = env.Text("EXPECTED_MIGRATION"),
            SmokeTestCommands = Commands(env, "SMOKE_TEST_COMMANDS") ?? DefaultSmokeTestCommands,
            ServicesEnvFile = env.Text("SERVICES_ENV_FILE") is { } file ? Path.GetFullPath(file) : null,
            ServicesReconfigureCommand = env.Text("SERVICES_RECONFIGURE_COMMAND"),
            ServicesHookUrl = env.HttpUrl("SERVICES_HOOK_URL", isSecret: true),
            ApplicationRole = Role(env),
            ShipNotesPath = Path.GetFullPath(env.Text("SHIP_NOTES_PATH") ?? "SHIP_NOTES.md"),
            IncidentWebhookUrl = env.HttpUrl("INCIDENT_WEBHOOK_URL", isSecret: true),
            DrillCron = Cron(env, "DRILL_CRON", "0 3 1 * *"),
            DrRehearsalCron = Cron(env, "DR_REHEARSAL_CRON", "0 4 1 1,4,7,10 *"),
            Failover = FailoverSettings.Read(env),
        };
        if ((settings.CloudflareApiToken is null) != (settings.CloudflareZoneId is null))
        {
            env.AddProblem("CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID go together: set both (traffic quarantine through Cloudflare) or neither.");
        }
        if ((settings.WorkerPauseCommand is null) != (settings.WorkerResumeCommand is null))
        {
            env.AddProblem("WORKER_PAUSE_COMMAND and WORKER_RESUME_COMMAND go together: what pauses the workers must be undone by the matching resume.");
        }
        return settings;
    }

    private static string? ZoneId(EnvironmentReader env)
    {
        var text = env.Text("CLOUDFLARE_ZONE_ID");
        if (text is null) return null;
        if (text.All(char.IsAsciiLetterOrDigit)) return text;
        env.AddProblem($"CLOUDFLARE_ZONE_ID='{text}' is not valid: expected the zone's 32-character hexadecimal id (Cloudflare dashboard, Overview, API).");
        return null;
    }

    private static string? Role(EnvironmentReader env)
    {
        var text = env.Text("APP_DATABASE_ROLE");
        if (text is null) return null;
        if (text.Length <= 63 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return text;
        env.AddProblem($"APP_DATABASE_ROLE='{text}' is not valid: expected a PostgreSQL role name (letters, digits, _ or -, at most 63).");
        return null;
    }

    private static string? ExistingDirectory(EnvironmentReader env, string name)
    {
        var text = env.Text(name);
        if (text is null) return null;
        var path = Path.GetFullPath(text);
        if (Directory.Exists(path)) return path;
        env.AddProblem($"{name}='{text}' is not valid: no directory exists at {path}.");
        return null;
    }

    /// <summary>A JSON array of shell commands, or one command.</summary>
    private static List<string>? Commands(EnvironmentReader env, string name)
    {
        var text = env.Text(name);
        if (text is null) return null;
        if (!text.StartsWith('[')) return [text];
        try
        {
            var commands = JsonSerializer.Deserialize<List<string>>(text);
            if (commands is { Count: > 0 } && commands.All(c => !string.IsNullOrWhiteSpace(c))) return commands;
        }
        catch (JsonException)
        {
        }
        env.AddProblem($"{name} is not valid: expected one shell command, or a JSON array of non-empty commands such as [\"npm run test --workspace @eventure-leopass/api\"].");
        return null;
    }

    private static string Cron(EnvironmentReader env, string name, string fallback)
    {
        var text = env.Text(name);
        if (text is null) return fallback;
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is 5 or 6) return text;
        env.AddProblem($"{name}='{text}' is not valid: expected a 5-field cron expression such as {fallback}.");
        return fallback;
    }
}
