using System.Text;
using LeoPass.Recovery.Server.Hosting;
using LeoPass.Recovery.Server.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// The product's own host started in the test process — what WebApplicationFactory is to other
/// ASP.NET Core tests: <see cref="Server.Program.Build"/> for a server (HTTP on a loopback port)
/// or <see cref="RecoveryNode.Build"/> for a node without HTTP, configured only by the variables
/// an operator would set (the test process's own environment is not read), with the log kept
/// for assertions. Services a test adds go in before the product's own, which register theirs
/// with TryAdd where a test may replace them (clock, auth limits, log output).
/// </summary>
public sealed class ProductHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CapturedLog _log;

    private ProductHost(IHost host, CapturedLog log, Uri? baseAddress)
    {
        _host = host;
        _log = log;
        BaseAddress = baseAddress;
    }

    public IServiceProvider Services => _host.Services;

    /// <summary>Where the server listens; null for a node without HTTP.</summary>
    public Uri? BaseAddress { get; }

    /// <summary>Everything the host logged so far, already redacted as it would be on stderr.</summary>
    public string Log => _log.Text;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The server, as `leopass-recovery server` runs it, on a free loopback port.</summary>
    public static async Task<ProductHost> StartServerAsync(IReadOnlyDictionary<string, string?> variables, Action<IServiceCollection>? services = null)
    {
        var log = new CapturedLog();
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var app = Server.Program.Build([], builder =>
        {
            Configure(builder.Configuration, variables, ("LEOPASS_LISTEN_URL", baseAddress.ToString().TrimEnd('/')));
            builder.Services.AddSingleton(new LogOutput(log));
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return new ProductHost(app, log, baseAddress);
    }

    /// <summary>A node without HTTP, as a CLI command builds it.</summary>
    public static async Task<ProductHost> StartNodeAsync(NodeOptions node, IReadOnlyDictionary<string, string?> variables, Action<IServiceCollection>? services = null)
    {
        var log = new CapturedLog();
        var host = RecoveryNode.Build(node, builder =>
        {
            Configure(builder.Configuration, variables);
            builder.Services.AddSingleton(new LogOutput(log));
            services?.Invoke(builder.Services);
        });
        await host.StartAsync();
        return new ProductHost(host, log, null);
    }

    private static void Configure(IConfigurationManager configuration, IReadOnlyDictionary<string, string?> variables, params (string Name, string Value)[] extra)
    {
        // Exactly what the test sets: a variable in the developer's shell must not change a test.
        configuration.Sources.Clear();
        var values = new Dictionary<string, string?>(variables, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in extra) values[name] = value;
        configuration.AddInMemoryCollection(values);
    }

    /// <summary>Stops the host as a shutdown (Ctrl+C) would; <see cref="DisposeAsync"/> still releases it.</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
        else _host.Dispose();
        _log.Dispose();
    }

    private sealed class CapturedLog : TextWriter
    {
        private readonly StringBuilder _text = new();
        public override Encoding Encoding => Encoding.UTF8;
        public string Text { get { lock (_text) return _text.ToString(); } }
        public override void Write(char value) { lock (_text) _text.Append(value); }
        public override void Write(string? value) { lock (_text) _text.Append(value); }
    }
}
