
namespace LeoPass.Recovery.Cli.Hosting;

/// <summary>
/// How a command starts a run. With no server up the command's own node executes it, so the run is
/// started held by that node (<see cref="RunOperations.StartHeldAsync"/>): created Running with its
/// lease in one transaction, executed at once, never waiting for any node's poll.
/// </summary>
internal sealed class RunStarter(RunOperations operations, RunHolder? holder)
{
    /// <summary>The run this command started held by its own node, which executes it; null when a server does.</summary>
    public RunRecord? Held { get; private set; }

    public async Task<long> StartAsync(StartRunRequest request, CancellationToken cancellationToken)
    {
        if (holder is null) return (await operations.StartAsync(request, cancellationToken)).Id;
        // Not cancelled by Ctrl+C half-way: a run created held by this node is executed here, and a
        // Ctrl+C that came meanwhile halts it as interrupted before its first step, as the journal then says.
        var run = await operations.StartHeldAsync(request, holder, CancellationToken.None);
        // An idempotent repeat returns an earlier run held by whoever holds it: executed here only if this node holds it.
        if (run.HolderNode == holder.Node) Held = run;
        return run.Id;
    }
}
