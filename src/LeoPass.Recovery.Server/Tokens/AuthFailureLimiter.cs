using System.Net;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>
/// Slows down a client that keeps failing authentication: once it has failed
/// <see cref="AuthFailureOptions.FreeFailures"/> times within <see cref="AuthFailureOptions.Window"/>
/// (5 by default), its next request without a valid token is answered 429 for
/// <see cref="AuthFailureOptions.FirstLockout"/>, a lockout that doubles with each further failure,
/// up to <see cref="AuthFailureOptions.MaxLockout"/>. Only failures are throttled: a request that
/// carries a valid token is answered normally whatever its address did (<see cref="AuthThrottleMiddleware"/>),
/// so a few bad requests behind a shared proxy or NAT lock no valid caller out.
/// Memory is bounded: at most <see cref="AuthFailureOptions.MaxClients"/> addresses are tracked,
/// and the stalest are forgotten first when the table is full.
/// </summary>
public sealed class AuthFailureLimiter(AuthFailureOptions options, TimeProvider clock)
{
    private readonly Dictionary<IPAddress, Entry> _clients = [];
    private readonly Lock _gate = new();

    /// <summary>How long the client must wait before it may try again, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? client)
    {
        if (client is null) return null;
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_clients.TryGetValue(client, out var entry)) return null;
            if (entry.BlockedUntil is { } until && until > now) return until - now;
            return null;
        }
    }

    public void RecordFailure(IPAddress? client)
    {
        if (client is null) return;
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_clients.TryGetValue(client, out var entry) || now - entry.LastFailure > options.Window)
            {
                if (!_clients.ContainsKey(client) && _clients.Count >= options.MaxClients) Evict(now);
                entry = new Entry();
            }
            entry.Failures++;
            entry.LastFailure = now;
            // The FreeFailures-th failure starts the first lockout: after 5 failures the 6th request is refused.
            var lockouts = entry.Failures - options.FreeFailures + 1;
            if (lockouts > 0)
            {
                var seconds = Math.Min(options.MaxLockout.TotalSeconds, options.FirstLockout.TotalSeconds * Math.Pow(2, Math.Min(lockouts - 1, 30)));
                entry.BlockedUntil = now + TimeSpan.FromSeconds(seconds);
            }
            _clients[client] = entry;
        }
    }

    /// <summary>Number of addresses tracked (for tests of the memory bound).</summary>
    public int TrackedClients
    {
        get { lock (_gate) return _clients.Count; }
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var stale in _clients.Where(c => now - c.Value.LastFailure > options.Window && (c.Value.BlockedUntil is null || c.Value.BlockedUntil <= now)).Select(c => c.Key).ToList())
        {
            _clients.Remove(stale);
        }
        if (_clients.Count < options.MaxClients) return;
        // Still full of active clients: forget the oldest tenth rather than grow.
        foreach (var oldest in _clients.OrderBy(c => c.Value.LastFailure).Take(Math.Max(1, options.MaxClients / 10)).Select(c => c.Key).ToList())
        {
            _clients.Remove(oldest);
        }
    }

    private sealed class Entry
    {
        public int Failures { get; set; }
        public DateTimeOffset LastFailure { get; set; }
        public DateTimeOffset? BlockedUntil { get; set; }
    }
}

public sealed class AuthFailureOptions
{
    /// <summary>Failures an address may make within <see cref="Window"/>; its next request without a valid token is answered 429.</summary>
    public int FreeFailures { get; set; } = 5;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan FirstLockout { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxLockout { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxClients { get; set; } = 10_000;
}
