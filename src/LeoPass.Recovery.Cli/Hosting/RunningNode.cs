using LeoPass.Recovery.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Events;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// The product's host (<see cref="RecoveryNode"/>, the server's composition without HTTP), started
/// for the life of one command and stopped when it ends — also on failure, so a temporary node
/// always leaves the cluster.
/// </summary>
internal sealed class RunningNode : IAsyncDisposable
{
    private readonly IHost _host;

    private RunningNode(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="publishDefinitions">Null: what the role needs (only nodes that execute runs publish workflows/).</param>
    /// <param name="verbose">--verbose: the node logs from Debug.</param>
    public static async Task<RunningNode> StartAsync(NodeRole role, bool verbose, CancellationToken cancellationToken, bool? publishDefinitions = null)
    {
        var options = new NodeOptions(role)
        {
            LogLevel = verbose ? LogEventLevel.Debug : null,
        };
        if (publishDefinitions is { } publish) options = options with { PublishDefinitions = publish };
        var host = RecoveryNode.Build(options, builder => builder.Services.AddSingleton<IHostLifetime, CommandLifetime>());
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new RunningNode(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
