using Microsoft.Extensions.Hosting;

namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// The host's lifetime inside a command: no signal handling. The default console lifetime would
/// take Ctrl+C too and stop the host while the command still cleans up with it; signals belong to
/// <see cref="StopSignals"/>, and the command stops its host when its work is done.
/// </summary>
internal sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
