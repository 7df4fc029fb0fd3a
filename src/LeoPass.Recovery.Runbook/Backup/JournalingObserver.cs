using LeoPass.Recovery.Backup.Pipeline;

namespace LeoPass.Recovery.Runbook.Backup;

/// <summary>
/// Writes each stage of a backup pipeline ("snapshot: opening a snapshot of db:5432/leopass") to
/// the attempt's journal as an intent, so a crashed or failed backup shows how far it got, and the
/// failure alert (<see cref="Alerts.BackupAlerts"/>) has the stages as breadcrumbs. The pipeline
/// reports stages synchronously from its own threads; the writes follow in order, off its path,
/// and <see cref="FlushAsync"/> waits for them before the attempt ends.
/// </summary>
internal sealed class JournalingObserver(ActivityContext context) : IBackupObserver
{
    private readonly Lock _gate = new();
    private Task _written = Task.CompletedTask;

    public void Stage(string stage, string message)
    {
        lock (_gate) _written = WriteAfterAsync(_written, $"{stage}: {message}");
    }

    public void Bytes(long total) { }

    /// <summary>Completes when every stage reported so far is in the journal.</summary>
    public Task FlushAsync()
    {
        lock (_gate) return _written;
    }

    private async Task WriteAfterAsync(Task previous, string note)
    {
        await previous;
        // Not the attempt's token: a cancelled attempt's last stages are what a responder needs most.
        await context.RecordIntentAsync(note, CancellationToken.None);
    }
}
