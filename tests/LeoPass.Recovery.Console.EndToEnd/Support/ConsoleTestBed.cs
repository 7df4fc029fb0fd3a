using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Console.EndToEnd.Support;

/// <summary>
/// What a responder's console stands on, all real and all made the way an operator would: a seeded
/// source database, the recovery database, a key pair (`keys generate`), one backup (`backup run`),
/// an application directory whose migrate.sh and smoke.sh call psql, API tokens of each role
/// (`token create`) and `./leopass-recovery server` serving the API and the console.
/// </summary>
public sealed class ConsoleTestBed : IAsyncLifetime
{
    private ServerNode? _server;

    public TestDatabase Source { get; private set; } = null!;
    public TestDatabase Recovery { get; private set; } = null!;
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("leopass-console-").FullName;
    public string AppDirectory => Path.Combine(WorkDirectory, "app");
    public string TargetName { get; } = "console_" + Guid.NewGuid().ToString("N")[..10];
    public Dictionary<string, string?> Variables { get; } = [];
    public string BackupKey { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public string OperatorToken { get; private set; } = "";
    public string ViewerToken { get; private set; } = "";
    public Uri BaseAddress { get; private set; } = null!;
    public string ServerOutput => _server?.Output ?? "";

    /// <summary>Everything that must never reach a page, a title, a URL or the browser console.</summary>
    public IReadOnlyList<string> Secrets { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Source = await PostgresServer.CreateDatabaseAsync("consrc");
        await SampleData.SeedAsync(Source.ConnectionString, 3_000);
        Recovery = await PostgresServer.CreateDatabaseAsync("conrec");
        Directory.CreateDirectory(AppDirectory);
        var keys = Path.Combine(WorkDirectory, "keys");
        var v = Variables;
        v["DATABASE_URL"] = Source.Url;
        v["RECOVERY_DATABASE_URL"] = Recovery.Url;
        v["BACKUP_DIR"] = Path.Combine(WorkDirectory, "store");
        v["BACKUP_ENCRYPTION_PUBLIC_KEY"] = Path.Combine(keys, "backup-public.asc");
        v["BACKUP_DECRYPTION_PRIVATE_KEY"] = Path.Combine(keys, "backup-private.asc");
        v["TARGET_DATABASE_URL"] = PostgresConnectionString.ToUrl(PostgresConnectionString.WithDatabase(PostgresServer.SuperuserConnectionString, TargetName));
        v["RESTORE_WORK_DIR"] = Path.Combine(WorkDirectory, "restore");
        v["APP_DIR"] = AppDirectory;
        v["MIGRATIONS_COMMAND"] = "sh migrate.sh";
        v["SMOKE_TEST_COMMANDS"] = "sh smoke.sh";
        v["SHIP_NOTES_PATH"] = Path.Combine(WorkDirectory, "SHIP_NOTES.md");
        v["LEOPASS_SCHEDULER_NAME"] = "console-" + Guid.NewGuid().ToString("N")[..8];
        // The designer's test builds its workflow from the diagnostics activities (a sleep long enough to watch it run).
        v["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1";
        await WriteMigrationAsync(succeeds: true);
        await File.WriteAllTextAsync(Path.Combine(AppDirectory, "smoke.sh"), """
            psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -tAc "SELECT count(*) FROM attendees WHERE checked_in = false"
            """);

        await CliAsync("keys", "generate", "--out", keys);
        BackupKey = System.Text.Json.Nodes.JsonNode.Parse(await CliAsync("backup", "run", "--json"))!["key"]!.GetValue<string>();
        AdminToken = await TokenAsync("console-admin", "admin");
        OperatorToken = await TokenAsync("console-operator", "operator");
        ViewerToken = await TokenAsync("console-viewer", "viewer");
        Secrets =
        [
            AdminToken, OperatorToken, ViewerToken,
            new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.SuperuserConnectionString).Password!,
            .. PrivateKeyLines(await File.ReadAllTextAsync(Path.Combine(keys, "backup-private.asc"))),
        ];

        _server = await ServerNode.StartAsync(Variables);
        BaseAddress = _server.ApiAddress ?? throw new InvalidOperationException($"the server did not say where it listens:\n{_server.Output}");
    }

    /// <summary>The application's migration: adds the column the smoke test reads, or fails the way Prisma does.</summary>
    public Task WriteMigrationAsync(bool succeeds) => File.WriteAllTextAsync(Path.Combine(AppDirectory, "migrate.sh"), succeeds
        ? """
          echo "applying 20261201_add_checked_in"
          psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c "ALTER TABLE attendees ADD COLUMN IF NOT EXISTS checked_in boolean NOT NULL DEFAULT false"
          """
        : """
          echo "Error: P3009 migrate found failed migrations in the target database" >&2
          exit 3
          """);

    /// <summary>How long a run may take to halt or finish on a loaded CI machine before a test fails.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Starts a restore drill over the API (as an operator) whose migration fails, and waits until it halts.</summary>
    public async Task<long> StartHaltedDrillAsync()
    {
        await WriteMigrationAsync(succeeds: false);
        using var api = Api(OperatorToken);
        using var started = await api.PostAsJsonAsync("api/runs", new { definition = "restore-drill" });
        if (started.StatusCode != System.Net.HttpStatusCode.Created) throw new InvalidOperationException($"starting a drill answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        var id = (await started.Content.ReadFromJsonAsync<JsonNode>())!["run"]!["id"]!.GetValue<long>();
        var deadline = DateTime.UtcNow + RunTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var state = (await api.GetFromJsonAsync<JsonNode>($"api/runs/{id}"))!["run"]!["state"]!.GetValue<string>();
            if (state == "Halted") return id;
            if (state is "Succeeded" or "Aborted") throw new InvalidOperationException($"run {id} ended {state} instead of halting at its failing migration:\n{ServerOutput}");
            await Task.Delay(250);
        }
        throw new TimeoutException($"run {id} did not halt within {RunTimeout}:\n{ServerOutput}");
    }

    /// <summary>
    /// Waits until the backup carries a restore verification newer than <paramref name="after"/>:
    /// `backup run` starts verify-restore when it succeeds, and the server executes it.
    /// </summary>
    public async Task<JsonNode> WaitForRestoreVerifiedAsync(string key, DateTimeOffset? after = null)
    {
        using var api = Api(ViewerToken);
        var deadline = DateTime.UtcNow + RunTimeout;
        JsonNode? backup = null;
        while (DateTime.UtcNow < deadline)
        {
            backup = (await api.GetFromJsonAsync<JsonArray>("api/backups"))!.FirstOrDefault(b => b!["key"]!.GetValue<string>() == key);
            if (backup?["restoreVerification"]?["verifiedAt"]?.GetValue<DateTimeOffset>() is { } at && (after is null || at > after)) return backup["restoreVerification"]!;
            if (backup?["restoreVerification"]?["failure"] is { } failure) throw new InvalidOperationException($"the restore verification of {key} failed: {failure}\n{ServerOutput}");
            await Task.Delay(250);
        }
        throw new TimeoutException($"{key} was not restore-verified within {RunTimeout}: {backup}\n{ServerOutput}");
    }

    public HttpClient Api(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> TokenAsync(string name, string role) =>
        (await CliAsync("token", "create", "--name", name, "--role", role)).Trim();

    private async Task<string> CliAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(Variables, TimeSpan.FromMinutes(5), args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"leopass-recovery {string.Join(' ', args)} failed: {result}");
        return result.StandardOutput;
    }

    /// <summary>The armoured key's body lines: any of them on a page would be a leak.</summary>
    private static IEnumerable<string> PrivateKeyLines(string armoured) =>
        armoured.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 40 && !l.StartsWith("-----", StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(TargetName);
        await Source.DisposeAsync();
        await Recovery.DisposeAsync();
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleTestBed>
{
    public const string Name = "console";
}
