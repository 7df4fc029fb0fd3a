using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>A node's background round: the work now, then every interval until the node stops; a failed round is logged and the next one tries again.</summary>
public static class Periodic
{
    public static async Task RunAsync(Func<CancellationToken, Task> round, Func<TimeSpan> interval, TimeProvider time, ILogger logger, string what, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await round(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be away for a moment.
                logger.LogWarning("{What} failed: {Error}; the next round tries again", what, e.Message);
            }
            try
            {
                await Task.Delay(interval(), time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
