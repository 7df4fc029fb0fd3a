using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Server.Hosting;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// What one command invocation works with: the output, and the product's host as a client node
/// (configuration validated, secrets registered, the catalogue migrated). Built after parsing,
/// so `--help` needs no configuration.
/// </summary>
public sealed class CliContext : IAsyncDisposable
{
    private readonly RunningNode _node;

    private CliContext(RunningNode node, CliOutput output)
    {
        _node = node;
        Output = output;
    }

    public RecoverySettings Settings => Get<RecoverySettings>();
    public CliOutput Output { get; }
    public TimeProvider Clock => Get<TimeProvider>();

    public T Get<T>() where T : notnull => _node.Get<T>();

    /// <summary>Loads and validates the configuration; throws <see cref="ConfigurationException"/> naming every bad variable.</summary>
    internal static async Task<CliContext> CreateAsync(CliOutput output, bool verbose, CancellationToken cancellationToken)
    {
        var node = await RunningNode.StartAsync(NodeRole.Client, verbose, cancellationToken);
        return new CliContext(node, output);
    }

    /// <summary>The catalogue (its tables are migrated when the node starts).</summary>
    public Task<BackupCatalogue> CatalogueAsync(CancellationToken cancellationToken) => Task.FromResult(Get<BackupCatalogue>());

    /// <summary>A live progress display when a person watches; nothing for scripts.</summary>
    public TerminalProgress? Progress() => Output.Interactive ? new TerminalProgress(Clock) : null;

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
