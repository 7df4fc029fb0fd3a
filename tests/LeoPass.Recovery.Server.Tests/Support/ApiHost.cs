using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net;
using System.Text;
using LeoPass.Recovery.Backup.Restore;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Runbook;
using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;
using LeoPass.Recovery.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>
/// The real server (<see cref="ProductHost"/>: the product's own composition root) on a loopback
/// port, over a PostgreSQL database of its own, with the engine's diagnostics activities on and
/// test definitions published. A real socket, not a test server: Kestrel, the client's address,
/// real HTTP.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    private ProductHost? _host;

    /// <summary>Values that must never leave the API: the database password and the configured secrets.</summary>
    public const string StorageSecret = "s3-secret-key-never-shown-7f3a";
    public const string Passphrase = "private-key-passphrase-never-shown-91c2";

    /// <summary>TARGET_DATABASE_URL's database name: what an incident restore must be confirmed with.</summary>
    public const string RestoreTarget = "leopass_restore_api";

    /// <summary>
    /// Stands in for Sentry for every host of this test process (SENTRY_DSN points here), so what
    /// an alert sends can be read. Declared before <see cref="SecretVariables"/>, which uses its port.
    /// </summary>
    public static RecordingHttpServer Sentry { get; } = new();

    /// <summary>The Sentry project SENTRY_DSN names: envelopes arrive at /api/{project}/envelope/.</summary>
    public const string SentryProject = "42";

    /// <summary>
    /// A value for every variable README.md marks secret, each distinct, the URLs on a closed
    /// loopback port (nothing answers, nothing leaves the machine) but Sentry's, which is
    /// <see cref="Sentry"/>. Kuma's token and the webhook tokens are in the path, Sentry's key in the user info.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SecretVariables { get; } = new Dictionary<string, string>
    {
        ["OCI_S3_SECRET_KEY"] = StorageSecret,
        ["BACKUP_DECRYPTION_PASSPHRASE"] = Passphrase,
        ["BACKUP_SIGNING_PASSPHRASE"] = "signing-key-passphrase-never-shown-3b8e",
        ["UPTIME_KUMA_PUSH_URL"] = "http://127.0.0.1:9/api/push/KumaPushTok3n?status=up&msg=OK",
        ["SENTRY_DSN"] = $"http://5e3f1b2c9d8a4f6e8b7c1d2e3f4a5b6c@127.0.0.1:{Sentry.Port}/{SentryProject}",
        ["OPS_WEBHOOK_URL"] = "http://127.0.0.1:9/services/T0PS/B0PS/opsWebhookSecretToken24x",
        ["CLOUDFLARE_API_TOKEN"] = "cloudflare-api-token-never-shown-5d1e",
        ["WORKER_HOOK_URL"] = "http://127.0.0.1:9/workers/hook?token=workerHookSecretToken77",
        ["SERVICES_HOOK_URL"] = "http://127.0.0.1:9/services/servicesHookSecretToken88",
        ["INCIDENT_WEBHOOK_URL"] = "http://127.0.0.1:9/incidents/incidentWebhookSecretToken99",
    };

    /// <summary>The part of each secret variable's value that is the credential itself (what a careless message quotes).</summary>
    public static IReadOnlyDictionary<string, string> SecretTokens { get; } = new Dictionary<string, string>
    {
        ["UPTIME_KUMA_PUSH_URL"] = "KumaPushTok3n",
        ["SENTRY_DSN"] = "5e3f1b2c9d8a4f6e8b7c1d2e3f4a5b6c",
        ["OPS_WEBHOOK_URL"] = "opsWebhookSecretToken24x",
        ["WORKER_HOOK_URL"] = "workerHookSecretToken77",
        ["SERVICES_HOOK_URL"] = "servicesHookSecretToken88",
        ["INCIDENT_WEBHOOK_URL"] = "incidentWebhookSecretToken99",
    };

    public TestDatabase Database { get; private set; } = null!;
    public Uri BaseAddress => _host!.BaseAddress!;
    public string ViewerToken { get; private set; } = "";
    public string OperatorToken { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public string RevokedToken { get; private set; } = "";
    public string BackupDirectory { get; } = Path.Combine(Path.GetTempPath(), "leopass-api-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Everything the host logged so far, already redacted as it would be on stderr.</summary>
    public string Log => _host!.Log;

    public IServiceProvider Services => _host!.Services;
    public TokenStore Tokens => Services.GetRequiredService<TokenStore>();

    public IEnumerable<string> Secrets =>
    [
        ViewerToken, OperatorToken, AdminToken, RevokedToken, StorageSecret, Passphrase,
        new Npgsql.NpgsqlConnectionStringBuilder(Database.ConnectionString).Password!,
        .. SecretVariables.Values, .. SecretTokens.Values,
    ];

    public async Task InitializeAsync()
    {
        Database = await PostgresServer.CreateDatabaseAsync("api");
        Directory.CreateDirectory(BackupDirectory);
        var variables = new Dictionary<string, string?>
        {
            ["RECOVERY_DATABASE_URL"] = Database.Url,
            ["BACKUP_DECRYPTION_PASSPHRASE"] = Passphrase,
            ["TARGET_DATABASE_URL"] = PostgresConnectionString.ToUrl(PostgresConnectionString.WithDatabase(Database.ConnectionString, RestoreTarget)),
            ["CLOUDFLARE_ZONE_ID"] = "zoneForTests",
            ["LEOPASS_SCHEDULER_NAME"] = "api-test-" + Guid.NewGuid().ToString("N")[..8],
            ["LEOPASS_ENABLE_TEST_ACTIVITIES"] = "1",
        };
        foreach (var (name, value) in SecretVariables) variables[name] = value;
        foreach (var (name, value) in await StorageAsync()) variables[name] = value;
        _host = await ProductHost.StartServerAsync(variables,
            services => services.AddSingleton(new Tokens.AuthFailureOptions { FreeFailures = 20, FirstLockout = TimeSpan.FromSeconds(30) }));

        ViewerToken = (await Tokens.CreateAsync("ci-viewer", ApiRole.Viewer, "test")).Token;
        OperatorToken = (await Tokens.CreateAsync("ci-operator", ApiRole.Operator, "test")).Token;
        AdminToken = (await Tokens.CreateAsync("ci-admin", ApiRole.Admin, "test")).Token;
        RevokedToken = (await Tokens.CreateAsync("ci-revoked", ApiRole.Admin, "test")).Token;
        await Tokens.RevokeAsync("ci-revoked");

        foreach (var definition in TestDefinitions.All) await PublishAsync(definition);
        // The real production definition as version 2 over the stand-in (version 1): tests that need a run that completes pin version 1.
        var incident = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "workflows", "incident-restore.json")))!;
        incident["version"] = 2;
        await PublishAsync(incident.ToJsonString());
    }

    /// <summary>The artefact store's variables: a filesystem store (with an S3 secret configured, to prove it is masked), unless a derived host brings another.</summary>
    protected virtual Task<Dictionary<string, string?>> StorageAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["BACKUP_DIR"] = BackupDirectory, ["OCI_S3_SECRET_KEY"] = StorageSecret });

    public async Task PublishAsync(string json)
    {
        var loaded = Services.GetRequiredService<DefinitionLoader>().Parse(json, "test.json");
        await Services.GetRequiredService<DefinitionCatalog>().PublishAsync(loaded, "test");
    }

    /// <summary>A client sending <paramref name="token"/>, optionally from another loopback address (the auth limiter counts per address).</summary>
    public HttpClient Client(string? token, string sourceAddress = "127.0.0.1")
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Viewer => Client(ViewerToken);
    public HttpClient Operator => Client(OperatorToken);
    public HttpClient Admin => Client(AdminToken);

    /// <summary>Stops the server as a shutdown would (Ctrl+C), keeping the database for <see cref="DisposeAsync"/>.</summary>
    public Task StopAsync() => _host!.StopAsync();

    public virtual async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(BackupDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiHost>
{
    public const string Name = "api";
}
