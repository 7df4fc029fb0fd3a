using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Watchdog;
using LeoPass.Recovery.Engine.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>What one check of one watch did on this node.</summary>
/// <param name="Checked">False when another node was checking this watch at that moment (this node left it to that one).</param>
/// <param name="Sent">The notice sent, if the level changed since people were last told.</param>
public sealed record WatchCheck(string Watch, bool Checked, WatchLevel? Level, OutcomeNotice? Sent, bool? Failed);

/// <summary>
/// The cluster's watchdog: looks at every <see cref="IWatch"/> and tells people once per change of
/// level — a warning, an alert (Uptime Kuma down, Sentry, Ops webhook), "recovered" when it is over.
/// </summary>
/// <remarks>
/// Exactly one node at a time checks a watch: the check runs in a transaction holding the watch's
/// row (<c>catalogue.watches</c>, <c>FOR UPDATE SKIP LOCKED</c>), which also holds its state: the
/// level found and the level people were last told. A node that finds the row held leaves this
/// round to the holder; a node that dies mid-check releases it with its connection, and the next
/// check (any node's) sees the notice still owed and sends it. So a restarted node, or a second
/// node, never alerts again for a level already told. The notice is sent before the transaction
/// commits: a node killed between the two sends it again (at least once), never not at all.
/// Any number of nodes may run it on any schedule; each does as little as one small query when
/// another node holds the watch.
/// </remarks>
public sealed class ClusterWatchdog(IEnumerable<IWatch> watches, RecoverySettings settings, AlertDispatcher alerts, NodeIdentity node, TimeProvider clock, ILogger<ClusterWatchdog> logger)
{
    private readonly IWatch[] _watches = watches.ToArray();

    public IReadOnlyList<IWatch> Watches => _watches;

    public async Task<IReadOnlyList<WatchCheck>> CheckAsync(CancellationToken cancellationToken = default)
    {
        var checks = new List<WatchCheck>();
        foreach (var watch in _watches) checks.Add(await CheckAsync(watch, cancellationToken));
        return checks;
    }

    private async Task<WatchCheck> CheckAsync(IWatch watch, CancellationToken cancellationToken)
    {
        await using var db = new CatalogueDbContext(CatalogueDbContext.OptionsFor(settings.RequireRecoveryDatabase()));
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO catalogue.watches (watch, watching_since, state, state_since) VALUES ({watch.Name}, {now}, {Level(WatchLevel.Ok)}, {now}) ON CONFLICT (watch) DO NOTHING",
            cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = await db.Watches.FromSqlInterpolated($"SELECT * FROM catalogue.watches WHERE watch = {watch.Name} FOR UPDATE SKIP LOCKED")
            .SingleOrDefaultAsync(cancellationToken);
        if (record is null) return new WatchCheck(watch.Name, false, null, null, null);

        var reading = await watch.ReadAsync(now, record.WatchingSince, cancellationToken);
        var level = Level(reading.Level);
        if (record.State != level)
        {
            record.State = level;
            record.StateSince = now;
        }
        record.CheckedAt = now;
        record.CheckedBy = node.Id;
        record.Detail = reading.Headline;

        var told = record.NotifiedState ?? Level(WatchLevel.Ok);
        OutcomeNotice? sent = null;
        bool? failed = null;
        if (told != level)
        {
            var (notice, outcome) = NoticeFor(watch, reading, ParseLevel(told), now);
            var deliveries = notice is null ? [] : await alerts.DispatchAsync(outcome!, cancellationToken);
            // A change nobody needs to hear (ok at the first look) is simply recorded. With every
            // configured channel failing, the notice stays owed: the next check tries again.
            if (deliveries.Count == 0 || deliveries.Any(d => d.Delivered))
            {
                record.NotifiedState = level;
                record.NotifiedAt = now;
                sent = notice;
                failed = outcome?.Succeeded == false;
                if (notice is not null) logger.LogWarning("watchdog {Watch} ({Node}): {Notice}: {Headline}", watch.Name, node.Id, notice, reading.Headline);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new WatchCheck(watch.Name, true, reading.Level, sent, failed);
    }

    /// <summary>What to tell people when the level moves from <paramref name="told"/> to the reading's.</summary>
    private static (OutcomeNotice? Notice, JobOutcome? Outcome) NoticeFor(IWatch watch, WatchReading reading, WatchLevel told, DateTimeOffset now)
    {
        JobOutcome Outcome(bool succeeded, OutcomeNotice notice) => new()
        {
            JobName = $"{watch.Name}-watchdog",
            Succeeded = succeeded,
            Notice = notice,
            Duration = TimeSpan.Zero,
            FinishedAt = now,
            Summary = reading.Headline,
            Error = succeeded ? null : reading.Headline,
            ErrorType = succeeded ? null : $"{watch.Name}-breach",
            FailedStage = succeeded ? null : watch.Name,
            Details = new Dictionary<string, string> { ["watch"] = watch.Name, ["level"] = Level(reading.Level) },
        };
        return reading.Level switch
        {
            WatchLevel.Breach => (OutcomeNotice.None, Outcome(false, OutcomeNotice.None)),
            // Better than what people were told: the alert or warning is over (a breach easing to a warning is still good news).
            _ when reading.Level < told => (OutcomeNotice.Recovered, Outcome(true, OutcomeNotice.Recovered)),
            WatchLevel.Warning => (OutcomeNotice.Warning, Outcome(true, OutcomeNotice.Warning)),
            _ => (null, null),
        };
    }

    private static string Level(WatchLevel level) => level.ToString().ToLowerInvariant();

    private static WatchLevel ParseLevel(string text) => Enum.Parse<WatchLevel>(text, ignoreCase: true);
}
