namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// Told on the node that executed a run, each time its execution there stops, with how it
/// stopped: for node-local cleanup, such as files a step left on this node's disk. Called after
/// the journal is written; a listener that throws is logged and ignored. Register any number with
/// <c>services.AddSingleton&lt;IExecutionStoppedListener, …&gt;()</c>.
/// </summary>
public interface IExecutionStoppedListener
{
    Task OnExecutionStoppedAsync(long runId, RunExecutionResult result, CancellationToken cancellationToken);
}
