using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Restore;

/// <summary>
/// Deletes files off the caller's path and makes this node's shutdown wait for them: the kernel
/// takes ~50 ms to unlink a 500 MB dump from the page cache, time a restore step need not spend,
/// but a decrypted dump must never outlive the process that was deleting it. Holds nothing a step
/// reads: the file is renamed to a name of its own before it is handed over here.
/// </summary>
public sealed class BackgroundDeletions(ILogger<BackgroundDeletions> logger) : IDisposable
{
    // How long this node's shutdown waits for deletions still under way.
    private static readonly TimeSpan WaitOnShutdown = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Task, bool> _running = new();

    public void Delete(string path)
    {
        var deletion = Task.Run(() =>
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("could not delete {Path}: {Error}. It may hold production data in plain text: delete it by hand", path, e.Message);
            }
        });
        _running[deletion] = true;
        deletion.ContinueWith(done => _running.TryRemove(done, out _), TaskScheduler.Default);
    }

    public void Dispose()
    {
        if (!Task.WhenAll(_running.Keys).Wait(WaitOnShutdown))
        {
            logger.LogWarning("stopped before {Count} file deletion(s) finished: look for *.deleting-* files in RESTORE_WORK_DIR and delete them by hand", _running.Count);
        }
    }
}
