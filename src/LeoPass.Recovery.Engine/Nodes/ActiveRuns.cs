using System.Collections.Concurrent;

namespace LeoPass.Recovery.Engine.Nodes;

/// <summary>
/// Runs executing in this process, so an abort issued here cancels the activity at once. Aborts
/// issued on another node arrive as a signal (Signals/) or, failing that, through the executor's
/// poll of the run's state. A node's own state: the executor and the signal listener both use it.
/// </summary>
public sealed class ActiveRuns
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();

    public IDisposable Register(long runId, CancellationTokenSource abort)
    {
        _running[runId] = abort;
        return new Registration(() => _running.TryRemove(new KeyValuePair<long, CancellationTokenSource>(runId, abort)));
    }

    public void Cancel(long runId)
    {
        if (_running.TryGetValue(runId, out var abort))
        {
            try
            {
                abort.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run finished between the lookup and the cancel.
            }
        }
    }

    public bool IsExecuting(long runId) => _running.ContainsKey(runId);

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
