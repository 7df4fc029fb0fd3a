using System.Collections.Concurrent;
using LeoPass.Recovery.Engine.Execution;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>Test-only: remembers every run state change it is told about.</summary>
public sealed class RecordingRunObserver : IRunObserver
{
    private readonly ConcurrentQueue<RunStateChange> _changes = new();

    public IReadOnlyList<RunStateChange> Changes => [.. _changes];

    public Task OnRunStateChangedAsync(RunStateChange change, CancellationToken cancellationToken)
    {
        _changes.Enqueue(change);
        return Task.CompletedTask;
    }
}
