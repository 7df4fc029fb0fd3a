using Microsoft.Extensions.DependencyInjection;
using Quartz.Extensibility;

namespace LeoPass.Recovery.Engine.Signals;

/// <summary>
/// Wakes this node's Quartz scheduler so that it looks for due triggers now instead of at its next
/// poll. Quartz looks for triggers stored by other processes only every idle-wait interval and has
/// no public "look now"; the signaller it registers for its job store wakes the scheduler thread.
/// </summary>
public sealed class SchedulerWake(IServiceProvider services)
{
    private readonly Lazy<ISchedulerSignaler?> _signaler = new(services.GetService<ISchedulerSignaler>);

    /// <returns>False when this process has no scheduler to wake.</returns>
    public async ValueTask<bool> NowAsync(CancellationToken cancellationToken = default)
    {
        if (_signaler.Value is not { } signaler) return false;
        await signaler.SignalSchedulingChange(null, cancellationToken);
        return true;
    }
}
