using LeoPass.Recovery.Contracts;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>Fans a state change out to every registered <see cref="IRunObserver"/>, isolating their failures.</summary>
public sealed class RunObservers(IEnumerable<IRunObserver> observers, TimeProvider time, ILogger<RunObservers> logger)
{
    private readonly IRunObserver[] _observers = observers.ToArray();

    public async Task NotifyAsync(long runId, string definitionId, int definitionVersion, RunState state, string? reason, string? stepId)
    {
        if (_observers.Length == 0) return;
        var change = new RunStateChange(runId, definitionId, definitionVersion, state, reason, stepId, time.GetUtcNow());
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnRunStateChangedAsync(change, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "run observer {Observer} failed for run {RunId} ({State})", observer.GetType().Name, runId, state);
            }
        }
    }
}
