using System.Collections.Concurrent;
using LeoPass.Recovery.Backup.Pipeline;

namespace LeoPass.Recovery.Backup.Tests.Pipeline;

/// <summary>Remembers the stages a pipeline went through, and can act when enough bytes went by.</summary>
public sealed class RecordingObserver : IBackupObserver
{
    private readonly ConcurrentQueue<string> _stages = new();

    public IReadOnlyList<string> Stages => [.. _stages];

    public Func<long, Task>? OnBytes { get; init; }

    public void Stage(string stage, string message) => _stages.Enqueue(stage);

    public void Bytes(long total) => OnBytes?.Invoke(total);
}
