using LeoPass.Recovery.Backup.Encryption;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Hosting;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Tests.Support;

/// <summary>
/// Everything a restore run needs, for real: a seeded source database, the recovery database, a
/// filesystem store with one encrypted backup, a key pair, a restore target name on the same
/// PostgreSQL server, an application directory with a migration and a smoke test (shell
/// scripts calling psql), and a recording HTTP server for Cloudflare, worker and services hooks
/// and the incident tracker. <see cref="Variables"/> is the environment an operator would set;
/// <see cref="StartEngineAsync"/> runs an engine node in the test process with it.
/// </summary>
public sealed class RunbookTestBed : IAsyncDisposable
{
    public const string CloudflareToken = "cf-token-7f3a9c2e51";
    public const string ZoneId = "zone0123abcd";

    private static readonly Lazy<GeneratedKeyPair> Keys = new(() =>
        OpenPgpKeyPairGenerator.Generate(Directory.CreateTempSubdirectory("leopass-runbook-keys-").FullName, new KeyPairGenerationOptions { RsaBits = 3072 }));

    private static readonly Lazy<GeneratedKeyPair> OtherKeys = new(() =>
        OpenPgpKeyPairGenerator.Generate(Directory.CreateTempSubdirectory("leopass-runbook-otherkeys-").FullName, new KeyPairGenerationOptions { UserId = "Someone Else <x@example.org>" }));

    private readonly List<ProductHost> _hosts = [];

    private RunbookTestBed(TestDatabase source, TestDatabase recovery, string work)
    {
        Source = source;
        Recovery = recovery;
        WorkDirectory = work;
        TargetName = "tgt_" + Guid.NewGuid().ToString("N")[..10];
        AppDirectory = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
        Http = new RecordingHttpServer();
        Dns = new FakeCloudflareDns(ZoneId);
        // One Cloudflare: the DNS records API keeps state, the rulesets API answers as the quarantine expects.
        Http.Handler = request => Dns.Answer(request) ?? (200, CloudflareAnswers(request));
        AppRecordId = Dns.Add(AppName, "A", PrimaryAddress, 300, proxied: false);
    }

    /// <summary>The application's name in the fake zone, pointing at the primary until a failover.</summary>
    public const string AppName = "app.leopass.test";
    public const string PrimaryAddress = "198.51.100.10";
    public const string StandbyAddress = "198.51.100.20";

    public TestDatabase Source { get; }
    public TestDatabase Recovery { get; }
    public string WorkDirectory { get; }
    public string TargetName { get; }
    public string AppDirectory { get; }
    public RecordingHttpServer Http { get; }
    /// <summary>The zone's DNS records behind <see cref="Http"/> (Cloudflare's DNS records API).</summary>
    public FakeCloudflareDns Dns { get; }
    public string AppRecordId { get; }
    public string ShipNotes => Path.Combine(WorkDirectory, "SHIP_NOTES.md");
    public string SmokeEnvFile => Path.Combine(AppDirectory, "smoke-env.txt");
    public string ServicesEnvFile => Path.Combine(WorkDirectory, "services.env");
    public string TargetConnectionString => PostgresConnectionString.WithDatabase(PostgresServer.SuperuserConnectionString, TargetName);
    public Dictionary<string, string?> Variables { get; } = [];
    public static GeneratedKeyPair KeyPair => Keys.Value;
    public static GeneratedKeyPair OtherKeyPair => OtherKeys.Value;

    public static async Task<RunbookTestBed> CreateAsync(int rows = 3_000)
    {
        var source = await PostgresServer.CreateDatabaseAsync("rbsrc");
        await SampleData.SeedAsync(source.ConnectionString, rows);
        var recovery = await PostgresServer.CreateDatabaseAsync("rbrec");
        var work = Directory.CreateTempSubdirectory("leopass-runbook-").FullName;
        var bed = new RunbookTestBed(source, recovery, work);
        var v = bed.Variables;
        v["DATABASE_URL"] = source.Url;
        v["RECOVERY_DATABASE_URL"] = recovery.Url;
        v["BACKUP_DIR"] = Path.Combine(work, "store");
        v["BACKUP_ENCRYPTION_PUBLIC_KEY"] = KeyPair.PublicKeyPath;
        v["BACKUP_DECRYPTION_PRIVATE_KEY"] = KeyPair.PrivateKeyPath;
        v["TARGET_DATABASE_URL"] = PostgresConnectionString.ToUrl(bed.TargetConnectionString);
        v["RESTORE_WORK_DIR"] = Path.Combine(work, "restore");
        v["APP_DIR"] = bed.AppDirectory;
        v["MIGRATIONS_COMMAND"] = "sh migrate.sh";
        v["SMOKE_TEST_COMMANDS"] = "sh smoke.sh";
        v["SHIP_NOTES_PATH"] = bed.ShipNotes;
        v["INCIDENT_WEBHOOK_URL"] = bed.Http.Url("/incidents").ToString();
        await bed.WriteMigrationAsync(succeeds: true);
        await File.WriteAllTextAsync(Path.Combine(bed.AppDirectory, "smoke.sh"), """
            env | grep -E '^(DATABASE_URL|LEOPASS_RUN_ID|LEOPASS_STEP)=' | sort > smoke-env.txt
            psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -tAc "SELECT count(*) FROM attendees WHERE checked_in = false"
            """);
        return bed;
    }

    /// <summary>The traffic switches, the DNS failover and the services channels, all pointed at the recording server.</summary>
    public void ConfigureProductionSwitches()
    {
        Variables["CLOUDFLARE_API_BASE_URL"] = Http.Url("/client/v4").ToString();
        Variables["CLOUDFLARE_API_TOKEN"] = CloudflareToken;
        Variables["CLOUDFLARE_ZONE_ID"] = ZoneId;
        Variables["WORKER_HOOK_URL"] = Http.Url("/workers").ToString();
        Variables["SERVICES_ENV_FILE"] = ServicesEnvFile;
        Variables["DNS_FAILOVER_RECORDS"] = $$"""[{"name":"{{AppName}}","type":"A","content":"{{StandbyAddress}}","ttl":60}]""";
    }

    /// <summary>The application's migration: adds a column (a real schema change), or fails with exit code 3.</summary>
    public Task WriteMigrationAsync(bool succeeds) => File.WriteAllTextAsync(Path.Combine(AppDirectory, "migrate.sh"), succeeds
        ? """
          echo "applying 20261201_add_checked_in"
          psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c "ALTER TABLE attendees ADD COLUMN IF NOT EXISTS checked_in boolean NOT NULL DEFAULT false"
          """
        : """
          echo "Error: P3009 migrate found failed migrations in the target database" >&2
          exit 3
          """);

    public RecoverySettings Settings() => RecoverySettings.Load(new EnvironmentReader(Variables));

    /// <summary>One backup of the source, made by the product's pipeline, catalogued.</summary>
    public async Task<string> BackupAsync()
    {
        await using var client = await ProductHost.StartNodeAsync(new NodeOptions(NodeRole.Client), Variables);
        var result = await client.Get<BackupPipeline>().RunAsync();
        return result.Manifest.Key;
    }

    /// <summary>A node of the product (the server's composition without HTTP) in the test process, with this bed's environment.</summary>
    public async Task<EngineNode> StartEngineAsync(bool executesRuns = true, string? schedulerName = null, Action<IServiceCollection>? services = null)
    {
        var variables = new Dictionary<string, string?>(Variables)
        {
            ["LEOPASS_SCHEDULER_NAME"] = schedulerName ?? "rb-" + Guid.NewGuid().ToString("N")[..8],
            ["LEOPASS_WORKFLOWS_DIR"] = Path.Combine(RepositoryRoot.Path, "workflows"),
        };
        var host = await ProductHost.StartNodeAsync(new NodeOptions(executesRuns ? NodeRole.Server : NodeRole.Client) { PublishDefinitions = true }, variables, services);
        _hosts.Add(host);
        return new EngineNode(host.Services);
    }

    /// <summary>Cloudflare's Rulesets API as far as the quarantine uses it; other paths answer success.</summary>
    private static string CloudflareAnswers(RecordedRequest request)
    {
        if (request.Path.EndsWith("/entrypoint", StringComparison.Ordinal) && request.Method == "GET")
        {
            return """{"success":true,"errors":[],"result":{"id":"rs-entry-1","phase":"http_request_firewall_custom","rules":[{"id":"other-rule","description":"someone else's rule","expression":"ip.src eq 1.2.3.4","action":"block"}]}}""";
        }
        if (request.Path.EndsWith("/rules", StringComparison.Ordinal) && request.Method == "POST")
        {
            var description = System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["description"]!.GetValue<string>();
            return $$$"""{"success":true,"errors":[],"result":{"id":"rs-entry-1","rules":[{"id":"other-rule","description":"someone else's rule"},{"id":"maint-rule-42","description":"{{{description}}}"}]}}""";
        }
        return """{"success":true,"errors":[],"result":{}}""";
    }

    /// <summary>Per table of the source: row count and MD5 over the source's columns, on either database (a migration may add columns).</summary>
    public async Task<IReadOnlyDictionary<string, string>> FingerprintAsync(string connectionString)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var src = new NpgsqlConnection(Source.ConnectionString);
        await src.OpenAsync();
        var columns = new Dictionary<string, List<string>>();
        await using (var list = new NpgsqlCommand("""
            SELECT quote_ident(c.table_schema) || '.' || quote_ident(c.table_name), quote_ident(c.column_name) FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, c.ordinal_position
            """, src))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (!columns.TryGetValue(reader.GetString(0), out var cols)) columns[reader.GetString(0)] = cols = [];
                cols.Add(reader.GetString(1));
            }
        }
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        foreach (var (table, cols) in columns)
        {
            await using var fp = new NpgsqlCommand(
                $"SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM (SELECT {string.Join(", ", cols)} FROM {table}) x", db);
            result[table] = (string)(await fp.ExecuteScalarAsync())!;
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await Http.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(TargetName);
        await Source.DisposeAsync();
        await Recovery.DisposeAsync();
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>An engine node in the test process.</summary>
public sealed class EngineNode(IServiceProvider services)
{
    public IServiceProvider Services { get; } = services;
    public RunOperations Operations => Services.GetRequiredService<RunOperations>();
    public RunQueries Queries => Services.GetRequiredService<RunQueries>();
    public RunReportBuilder Reports => Services.GetRequiredService<RunReportBuilder>();

    public async Task<long> StartAsync(string definition, Dictionary<string, string>? parameters = null) =>
        (await Operations.StartAsync(new StartRunRequest(definition, parameters ?? [], "tester"))).Id;

    public async Task<Run> WaitForAsync(long runId, TimeSpan? timeout = null, params RunState[] states)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        Run run;
        do
        {
            run = await Queries.GetAsync(runId);
            if (states.Contains(run.State)) return run;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"run {runId} is {run.State} ({run.HaltReason}); expected {string.Join(" or ", states)}; steps: {string.Join(", ", run.Steps.Select(s => $"{s.StepId}={s.State}:{s.Error}"))}");
    }
}
