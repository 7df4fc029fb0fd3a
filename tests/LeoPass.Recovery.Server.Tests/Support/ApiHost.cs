using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Hosting;
using LeoPass.Recovery.Runbook;
using LeoPass.Recovery.Server.Access;
using LeoPass.Recovery.Server.Hosting;
using LeoPass.Recovery.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>
/// The real API host on a loopback port, over a PostgreSQL database of its own — the same
/// extension methods the `server` command calls, with the engine's diagnostics activities on
/// and test definitions published. ASP.NET Core's TestHost is not available here, and a real
/// socket is closer to production anyway: Kestrel, the client's address, real HTTP.
/// </summary>
public sealed class ApiHost : IAsyncLifetime, IDisposable
{
    private readonly SynchronizedLog _log = new();
    private WebApplication? _app;

    /// <summary>Values that must never leave the API: the database password and the configured secrets.</summary>
    public const string StorageSecret = "s3-secret-key-never-shown-7f3a";
    public const string Passphrase = "private-key-passphrase-never-shown-91c2";

    /// <summary>TARGET_DATABASE_URL's database name: what an incident restore must be confirmed with.</summary>
    public const string RestoreTarget = "leopass_restore_api";

    public TestDatabase Database { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public string ViewerToken { get; private set; } = "";
    public string OperatorToken { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public string RevokedToken { get; private set; } = "";
    public string BackupDirectory { get; } = Path.Combine(Path.GetTempPath(), "leopass-api-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Everything the host logged so far, already redacted as it would be on stderr.</summary>
    public string Log => _log.Text;

    public IServiceProvider Services => _app!.Services;
    public TokenStore Tokens => Services.GetRequiredService<TokenStore>();

    public IEnumerable<string> Secrets =>
    [
        ViewerToken, OperatorToken, AdminToken, RevokedToken, StorageSecret, Passphrase,
        new Npgsql.NpgsqlConnectionStringBuilder(Database.ConnectionString).Password!,
    ];

    public async Task InitializeAsync()
    {
        Database = await PostgresServer.CreateDatabaseAsync("api");
        Directory.CreateDirectory(BackupDirectory);
        var port = FreePort.Next();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var settings = new RecoverySettings
        {
            RecoveryDatabase = Database.ConnectionString,
            Storage = new StorageSettings { BackupDirectory = BackupDirectory, SecretKey = StorageSecret },
            Backup = new BackupSettings { DecryptionPassphrase = Passphrase },
            Runbook = new RunbookSettings { TargetDatabase = PostgresConnectionString.WithDatabase(Database.ConnectionString, RestoreTarget) },
        };

        var builder = WebApplication.CreateBuilder();
        SecretRedactor.Shared.AddRange(settings.Secrets());
        builder.Services.AddSingleton(settings).AddSingleton(SecretRedactor.Shared).AddHttpClient();
        builder.Services.AddBackup().AddRunbookActivities();
        builder.AddRecoveryEngine(settings, o =>
        {
            o.SchedulerName = "api-test-" + Guid.NewGuid().ToString("N")[..8];
            o.EnableDiagnosticActivities = true;
        });
        builder.AddRecoveryApi(new ApiOptions
        {
            ListenUrl = BaseAddress.ToString(),
            LogWriter = _log,
            AuthFailures = new Auth.AuthFailureOptions { FreeFailures = 20, FirstLockout = TimeSpan.FromSeconds(30) },
        });
        _app = builder.Build();
        _app.MapRecoveryApi();
        await _app.StartAsync();

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
    public Task StopAsync() => _app!.StopAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Database.DisposeAsync();
        Directory.Delete(BackupDirectory, recursive: true);
    }

    public void Dispose() => _log.Dispose();

    private sealed class SynchronizedLog : TextWriter
    {
        private readonly StringBuilder _text = new();
        public override Encoding Encoding => Encoding.UTF8;
        public string Text { get { lock (_text) return _text.ToString(); } }
        public override void Write(char value) { lock (_text) _text.Append(value); }
        public override void Write(string? value) { lock (_text) _text.Append(value); }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiHost>
{
    public const string Name = "api";
}
