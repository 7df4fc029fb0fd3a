namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>
/// Hears what the backup, verify and restore pipelines are doing: stage changes (which become
/// alert breadcrumbs and journal notes) and byte counts (which drive progress displays).
/// Implementations must be cheap and must not throw.
/// </summary>
public interface IBackupObserver
{
    void Stage(string stage, string message);

    /// <summary>Bytes processed so far in the current stage.</summary>
    void Bytes(long total);
}

public sealed class NullBackupObserver : IBackupObserver
{
    public static NullBackupObserver Instance { get; } = new();
    public void Stage(string stage, string message) { }
    public void Bytes(long total) { }
}
