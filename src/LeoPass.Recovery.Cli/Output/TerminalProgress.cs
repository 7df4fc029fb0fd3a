using LeoPass.Recovery.Backup.Pipeline;

namespace LeoPass.Recovery.Cli.Output;

/// <summary>
/// A one-line live progress display on stderr for long backups, verifications and restores,
/// shown only when a person watches a terminal; scripts see nothing of it.
/// </summary>
public sealed class TerminalProgress(TimeProvider clock) : IBackupObserver, IDisposable
{
    private readonly Lock _gate = new();
    private string _stage = "";
    private long _lastDraw;

    public void Stage(string stage, string message)
    {
        lock (_gate)
        {
            Clear();
            _stage = stage;
            Console.Error.WriteLine($"  [{stage}] {message}");
        }
    }

    public void Bytes(long total)
    {
        var now = clock.GetTimestamp();
        // Redraw at most ten times a second: a terminal is slower than the pipeline.
        if (clock.GetElapsedTime(Interlocked.Read(ref _lastDraw), now) < TimeSpan.FromMilliseconds(100)) return;
        Interlocked.Exchange(ref _lastDraw, now);
        lock (_gate) Console.Error.Write($"\r  [{_stage}] {Format.Bytes(total)}…   ");
    }

    private void Clear() => Console.Error.Write("\r" + new string(' ', 60) + "\r");

    public void Dispose()
    {
        lock (_gate) Clear();
    }
}
