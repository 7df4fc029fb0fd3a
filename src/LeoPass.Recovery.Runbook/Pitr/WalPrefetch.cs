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
    // Handed-over files kept ready, for PostgreSQL's second read of the last one.
    private const int Behind = 2;

    /// <summary>How many planned files were brought back (ready or handed over).</summary>
    public int Fetched { get; private set; }

    /// <summary>The first planned file that could not be brought back, and why.</summary>
    public (string Name, string Reason)? Missing { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var index = plan.Select((p, i) => (p.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var next = 0;
        while (true)
        {
            // First what recovery waits for now and was let go already (it reads the last segment again as it ends).
            foreach (var wanted in Directory.EnumerateFiles(spool.Directory, "*.wanted").Select(Path.GetFileNameWithoutExtension))
            {
                if (wanted is null || !index.TryGetValue(wanted, out var i) || i >= next || File.Exists(spool.ReadyPath(wanted))) continue;
                if (!await TryFetchAsync(wanted, plan[i].Key, cancellationToken)) return;
            }
            // Then the next planned file, once recovery has taken all but a few of those before it (or asks for it).
            if (next < plan.Count && (next - HandedOver() < Ahead || spool.IsWanted(plan[next].Name)))
            {
                Clean();
                if (!await TryFetchAsync(plan[next].Name, plan[next].Key, cancellationToken)) return;
                Fetched++;
                next++;
                continue;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken);
        }
    }

    /// <summary>Removes the ready files of everything but the last few handed over: what recovery no longer reads.</summary>
    public void Clean(bool all = false)
    {
        var keepFrom = all ? plan.Count : HandedOver() - Behind;
        for (var i = all ? 0 : _cleaned; i < keepFrom && i < plan.Count; i++) File.Delete(spool.ReadyPath(plan[i].Name));
        _cleaned = Math.Max(_cleaned, keepFrom);
    }

    private int _cleaned;

    private async Task<bool> TryFetchAsync(string name, string key, CancellationToken cancellationToken)
    {
        try
        {
            // Readable by the server's user (postgres, when this node is root): the spool and pg_wal
            // directories are its own and owner-only, so nobody else can reach the file.
            await fetcher.FetchAsync(key, name, spool.ReadyPath(name), cancellationToken, readableByAll: true);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stopped the fetch, restore_command must hear of it now, not after its patience runs out.
            Missing = (name, e.Message);
            await File.WriteAllTextAsync(spool.MissingPath(name), e.Message, CancellationToken.None);
            return false;
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
