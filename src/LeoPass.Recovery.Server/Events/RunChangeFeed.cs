using System.Threading.Channels;
using LeoPass.Recovery.Engine.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Server.Events;

/// <summary>
/// Tells subscribers (the /api/events streams) about every change of any run, including changes
/// made by other nodes and processes sharing the recovery database: every write of the engine
/// (start, take-over, attempt begun and ended, gate, responder's operation) sets
/// <c>engine.runs.updated_at</c>, and this feed polls for rows newer than the last it saw.
/// </summary>
/// <remarks>
/// Cost: one small query every <see cref="PollInterval"/>, shared by all subscribers, and only
/// while at least one listens — during a restore the recovery database is often on the server
/// being restored into, so an idle console must not poll at all. A change committed by this
/// process wakes the loop at once (<see cref="RunChanges"/>), so local changes reach the page in
/// milliseconds; other nodes' within one interval. Polling instead of LISTEN/NOTIFY keeps the
/// engine's schema and write path untouched.
/// </remarks>
public sealed class RunChangeFeed(IDbContextFactory<EngineDbContext> dbFactory, RunChanges localChanges, ILogger<RunChangeFeed> logger) : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Rows are read again this far behind the newest change seen: a transaction that took its
    /// timestamp before another but committed after it, or a node whose clock is a little behind,
    /// is still noticed. Each (run, updated_at) is sent once.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(10);

    private const int SubscriberBuffer = 1_000;
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly List<Channel<RunChange>> _subscribers = [];
    private readonly CancellationTokenSource _disposed = new();
    private Task? _loop;

    /// <summary>Starts receiving changes; dispose the subscription to stop. The poll loop runs while any subscription is open.</summary>
    public Subscription Subscribe()
    {
        // A reader that falls behind by a thousand changes loses the oldest: the console re-reads what it shows on every event anyway.
        var channel = Channel.CreateBounded<RunChange>(new BoundedChannelOptions(SubscriberBuffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
            _loop ??= Task.Run(() => PollAsync(_disposed.Token));
        }
        return new Subscription(channel.Reader, () =>
        {
            lock (_gate) _subscribers.Remove(channel);
            channel.Writer.TryComplete();
        });
    }

    private async Task PollAsync(CancellationToken stop)
    {
        var seen = new Dictionary<long, DateTimeOffset>();
        DateTimeOffset? newest = null;
        var seeded = false;
        while (!stop.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_subscribers.Count == 0)
                {
                    _loop = null;
                    return;
                }
            }
            // Taken before reading, so a change committed during the query still wakes the next round.
            var localChange = localChanges.Next;
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stop);
                if (!seeded)
                {
                    // Only what changes from now on is news; the newest row's own clock sets "now", not this node's.
                    newest = await db.Runs.MaxAsync(r => (DateTimeOffset?)r.UpdatedAt, stop);
                }
                var from = newest is { } n ? n - Overlap : DateTimeOffset.UnixEpoch;
                var rows = await db.Runs.AsNoTracking().Where(r => r.UpdatedAt > from).OrderBy(r => r.UpdatedAt)
                    .Select(r => new { r.Id, r.DefinitionId, r.State, r.UpdatedAt }).ToListAsync(stop);
                foreach (var row in rows)
                {
                    if (seen.TryGetValue(row.Id, out var known) && known == row.UpdatedAt) continue;
                    seen[row.Id] = row.UpdatedAt;
                    if (seeded) Publish(new RunChange(row.Id, row.DefinitionId, row.State.ToString(), row.UpdatedAt));
                    if (newest is null || row.UpdatedAt > newest) newest = row.UpdatedAt;
                }
                seeded = true;
                var horizon = (newest ?? DateTimeOffset.UnixEpoch) - Overlap;
                foreach (var old in seen.Where(s => s.Value < horizon).Select(s => s.Key).ToList()) seen.Remove(old);
                await Task.WhenAny(Task.Delay(PollInterval, stop), localChange);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("run change feed: reading engine.runs failed ({Type}: {Message}); trying again in {Delay} s",
                    e.GetType().Name, e.Message, RetryAfterFailure.TotalSeconds);
                try { await Task.Delay(RetryAfterFailure, stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Publish(RunChange change)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(change);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        Task? loop;
        lock (_gate) loop = _loop;
        if (loop is not null) await loop;
        _disposed.Dispose();
    }

    /// <summary>One listener's changes, in commit-timestamp order per poll.</summary>
    public sealed class Subscription(ChannelReader<RunChange> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<RunChange> Changes { get; } = reader;

        public void Dispose() => unsubscribe();
    }
}
