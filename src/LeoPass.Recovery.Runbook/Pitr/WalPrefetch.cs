using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Pitr;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// Fills a restore's fetch spool ahead of PostgreSQL: each planned WAL file is brought back
/// (<see cref="WalFetcher"/>: signature, SHA-256, decryption, plain SHA-256) in replay order, a
/// few files ahead of what recovery has taken, so replay never waits for a download while the
/// spool's disk use stays bounded. A file that cannot be brought back is recorded as missing with
/// its reason; restore_command then makes recovery abort on it, naming it.
/// </summary>
public sealed class WalPrefetch(WalFetcher fetcher, FetchSpool spool, IReadOnlyList<(string Name, string Key)> plan, TimeProvider clock)
{
    private const int Ahead = 4;

    /// <summary>How many planned files were brought back (ready or handed over).</summary>
    public int Fetched { get; private set; }

    /// <summary>The first planned file that could not be brought back, and why.</summary>
    public (string Name, string Reason)? Missing { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            var (name, key) = plan[i];
            // Wait until recovery has taken all but a few of the files before this one, or asks for this one.
            while (i - HandedOver() >= Ahead && !spool.IsWanted(name))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken);
            }
            try
            {
                await fetcher.FetchAsync(key, name, spool.ReadyPath(name), cancellationToken);
                Fetched++;
            }
            catch (BackupException e)
            {
                Missing = (name, e.Message);
                await File.WriteAllTextAsync(spool.MissingPath(name), e.Message, CancellationToken.None);
                return;
            }
        }
    }

    private int _handedOver;

    /// <summary>How many files from the plan's start recovery has taken (they are taken in order).</summary>
    private int HandedOver()
    {
        while (_handedOver < plan.Count && spool.IsDone(plan[_handedOver].Name)) _handedOver++;
        return _handedOver;
    }
}
