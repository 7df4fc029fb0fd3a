using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Runbook.Shell;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Application;

/// <summary>
/// Runbook step 6, `runbook.reconfigure-services`: delivers the restored database's
/// DATABASE_URL to the services through every configured channel (SERVICES_ENV_FILE,
/// SERVICES_RECONFIGURE_COMMAND, SERVICES_HOOK_URL). With <c>rotateCredentials</c>, first sets a
/// new random password on APP_DATABASE_ROLE — the old one stops working at once — and delivers
/// that. The password is registered as a secret and never written to the journal. A repeated
/// attempt rotates again and delivers the newer password: the world ends as after one attempt.
/// </summary>
public sealed class ReconfigureServicesActivity(Restore.RestoreTargetPlan target, RecoverySettings settings, IHttpClientFactory http)
    : IActivity, IActivityDeclaration, IActivitySettingsRequirements, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.reconfigure-services",
        "Point the services at the restored database (env file, command, HTTP hook); optionally rotate the application role's password.",
    [
        new ActivityParameter("database", "The restored database.", Default: JsonValue.Create("${steps.provision.output.database}")),
        new ActivityParameter("rotateCredentials", "true: set a new random password on APP_DATABASE_ROLE and deliver it.", Default: JsonValue.Create(false)),
    ]);

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        foreach (var problem in target.CheckSettings()) yield return problem;
        var runbook = settings.Runbook;
        if (runbook.ServicesEnvFile is null && runbook.ServicesReconfigureCommand is null && runbook.ServicesHookUrl is null)
        {
            yield return new SettingProblem("SERVICES_ENV_FILE, SERVICES_RECONFIGURE_COMMAND or SERVICES_HOOK_URL", "a way to point the services at the restored database");
        }
        if ((parameters.GetBoolean("rotateCredentials") ?? false) && runbook.ApplicationRole is null)
        {
            yield return new SettingProblem("APP_DATABASE_ROLE", "rotateCredentials replaces the password of the application's login role");
        }
    }

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var runbook = settings.Runbook;
        var database = context.Parameters.GetString("database") is { Length: > 0 } name ? name : target.ConfiguredName;
        var where = PostgresConnectionString.Describe(PostgresConnectionString.WithDatabase(runbook.RequireTargetDatabase(), database));
        var actions = new List<string>();
        if (context.Parameters.GetBoolean("rotateCredentials") ?? false)
        {
            actions.Add($"would set a new random password on role {runbook.ApplicationRole ?? "(APP_DATABASE_ROLE is not set: the step would fail)"} at {where}; the old one stops working at once");
        }
        if (runbook.ServicesEnvFile is { } envFile) actions.Add($"would write DATABASE_URL for {where} to {envFile}");
        if (runbook.ServicesReconfigureCommand is { } command) actions.Add($"would run `{command}` with DATABASE_URL for {where}");
        if (runbook.ServicesHookUrl is { } hook) actions.Add($"would POST the new DATABASE_URL to the services hook at {hook.Host}");
        if (actions.Count == 0 || (actions.Count == 1 && actions[0].StartsWith("would set", StringComparison.Ordinal)))
        {
            actions.Add("would fail: no way to reach the services (set SERVICES_ENV_FILE, SERVICES_RECONFIGURE_COMMAND or SERVICES_HOOK_URL)");
        }
        return Task.FromResult(new ActivityPlan(actions, new JsonObject { ["database"] = database }));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var connection = target.ConnectionFor(context);
        var runbook = settings.Runbook;
        var channels = new List<string>();
        if (runbook.ServicesEnvFile is not null) channels.Add("env-file");
        if (runbook.ServicesReconfigureCommand is not null) channels.Add("command");
        if (runbook.ServicesHookUrl is not null) channels.Add("hook");
        if (channels.Count == 0)
        {
            throw new ActivityFailedException(
                "no way to reach the services: set SERVICES_ENV_FILE, SERVICES_RECONFIGURE_COMMAND or SERVICES_HOOK_URL (or disable this step)", retryable: false);
        }
        var rotate = context.Parameters.GetBoolean("rotateCredentials") ?? false;
        var delivered = new NpgsqlConnectionStringBuilder(connection);
        if (rotate)
        {
            var role = runbook.ApplicationRole ?? throw new ActivityFailedException(
                "rotateCredentials needs APP_DATABASE_ROLE: the application's login role whose password is replaced", retryable: false);
            var password = NewPassword();
            SecretRedactor.Shared.Add(password);
            await context.RecordIntentAsync($"set a new password on role {role} at {PostgresConnectionString.Describe(connection)} and deliver it via {string.Join(", ", channels)}", cancellationToken);
            await SetPasswordAsync(connection, role, password, cancellationToken);
            delivered.Username = role;
            delivered.Password = password;
        }
        else
        {
            await context.RecordIntentAsync($"point the services at {PostgresConnectionString.Describe(connection)} via {string.Join(", ", channels)}", cancellationToken);
        }
        var url = PostgresConnectionString.ToUrl(delivered.ConnectionString);

        if (runbook.ServicesEnvFile is { } envFile) await WriteEnvFileAsync(envFile, url, cancellationToken);
        if (runbook.ServicesReconfigureCommand is { } command)
        {
            var env = new Dictionary<string, string?> { ["DATABASE_URL"] = url, ["LEOPASS_RUN_ID"] = context.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            var result = await ShellCommand.RunAsync(command, runbook.AppDirectory, env, cancellationToken);
            if (!result.Succeeded) throw new ActivityFailedException(result.Failure("SERVICES_RECONFIGURE_COMMAND"));
        }
        if (runbook.ServicesHookUrl is { } hook)
        {
            using var response = await http.CreateClient(RunbookServiceCollectionExtensions.HttpClientName).PostAsJsonAsync(hook, new
            {
                action = "reconfigure",
                runId = context.RunId,
                databaseUrl = url,
                rotated = rotate,
            }, cancellationToken);
            if (!response.IsSuccessStatusCode) throw new ActivityFailedException($"SERVICES_HOOK_URL answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["database"] = PostgresConnectionString.DatabaseOf(connection),
            ["channels"] = new JsonArray([.. channels.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["rotated"] = rotate,
            ["role"] = delivered.Username,
        });
    }

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'x').Replace('/', 'y').TrimEnd('=');

    private static async Task SetPasswordAsync(string connection, string role, string password, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(cancellationToken);
        // ALTER ROLE takes no bind parameters; the password is base64url (no quotes), the role name is quoted.
        await using var alter = new NpgsqlCommand($"ALTER ROLE {RestoreTarget.QuoteIdentifier(role)} WITH LOGIN PASSWORD '{password}'", db);
        try
        {
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new ActivityFailedException($"could not set the password of role {role}: {e.MessageText}", retryable: false, e);
        }
    }

    /// <summary>Replaces (or adds) the DATABASE_URL line, keeping every other line; written owner-only and renamed into place.</summary>
    private static async Task WriteEnvFileAsync(string path, string url, CancellationToken cancellationToken)
    {
        var lines = File.Exists(path) ? [.. await File.ReadAllLinesAsync(path, cancellationToken)] : new List<string>();
        var line = $"DATABASE_URL=\"{url}\"";
        var index = lines.FindIndex(l => l.TrimStart().StartsWith("DATABASE_URL=", StringComparison.Ordinal));
        if (index >= 0) lines[index] = line; else lines.Add(line);
        var temporary = path + ".leopass-tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            foreach (var l in lines) await writer.WriteLineAsync(l.AsMemory(), cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
