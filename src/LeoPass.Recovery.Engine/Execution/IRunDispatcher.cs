namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// Asks the cluster to continue a run: some node (maybe this one) will execute it from where it
/// stands. Dispatching a run that needs nothing (waiting, halted, finished) is harmless.
/// </summary>
public interface IRunDispatcher
{
    Task DispatchAsync(long runId, TimeSpan delay = default, CancellationToken cancellationToken = default);
}
