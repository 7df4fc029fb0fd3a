using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Runbook.Watchdog;
using LeoPass.Recovery.Server.Hosting;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Runbook.Tests.Watchdog;

/// <summary>
/// The RPO watchdog on two nodes of one cluster (two product hosts on one recovery database), both
/// on one fake clock, alerting the recording HTTP server as Uptime Kuma, Sentry and the Ops webhook.
/// </summary>
public sealed class ClusterWatchdogTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    /// <summary>One recovery database, one fake clock and one recording server shared by the nodes a test starts.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly List<ProductHost> _nodes = [];
        private readonly Dictionary<string, string?> _variables;

        private Cluster(TestDatabase recovery)
        {
            Recovery = recovery;
            _variables = new Dictionary<string, string?>
            {
                ["RECOVERY_DATABASE_URL"] = recovery.Url,
                ["BACKUP_DIR"] = Directory.CreateTempSubdirectory("leopass-watchdog-").FullName,
                ["LEOPASS_SCHEDULER_NAME"] = "wdog-" + Guid.NewGuid().ToString("N")[..8],
                ["UPTIME_KUMA_PUSH_URL"] = Http.Url("/api/push/kumaTok?status=up&msg=OK").ToString(),
                ["SENTRY_DSN"] = $"http://0123456789abcdef0123456789abcdef@127.0.0.1:{Http.Port}/9",
                ["OPS_WEBHOOK_URL"] = Http.Url("/ops").ToString(),
            };
        }

        public FakeTimeProvider Clock { get; } = new(Start);
        public RecordingHttpServer Http { get; } = new();
        public TestDatabase Recovery { get; }

        public static async Task<Cluster> CreateAsync() => new(await PostgresServer.CreateDatabaseAsync("wdog"));

        /// <summary>A node of the cluster: the product's host with the shared fake clock.</summary>
        public async Task<ProductHost> StartNodeAsync()
        {
            var node = await ProductHost.StartNodeAsync(new NodeOptions(NodeRole.Client), _variables, s => s.AddSingleton<TimeProvider>(Clock));
            _nodes.Add(node);
            return node;
        }

        public async Task StopAsync(ProductHost node)
        {
            _nodes.Remove(node);
            await node.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in _nodes) await node.DisposeAsync();
            await Http.DisposeAsync();
            await Recovery.DisposeAsync();
        }
    }

    /// <summary>Both nodes check at the same moment, then each once more: the round every node's timer makes.</summary>
    private static async Task<IReadOnlyList<WatchCheck>> CheckAsync(params ProductHost[] nodes)
    {
        var together = await Task.WhenAll(nodes.Select(n => n.Get<ClusterWatchdog>().CheckAsync()));
        var checks = together.SelectMany(c => c).ToList();
        foreach (var node in nodes) checks.AddRange(await node.Get<ClusterWatchdog>().CheckAsync());
        return checks.Where(c => c.Watch == "rpo").ToList();
    }

    [Fact]
    public async Task Two_nodes_warn_once_at_80_percent_alert_once_at_the_RPO_recover_once_and_a_restarted_node_does_not_alert_again()
    {
        await using var cluster = await Cluster.CreateAsync();
        var (clock, http) = (cluster.Clock, cluster.Http);
        IReadOnlyList<RecordedRequest> Kuma() => http.RequestsTo("/api/push/kumaTok");
        IReadOnlyList<RecordedRequest> Sentry() => http.RequestsTo("/api/9/envelope/");
        IReadOnlyList<RecordedRequest> Ops() => http.RequestsTo("/ops");
        var a = await cluster.StartNodeAsync();
        var b = await cluster.StartNodeAsync();

        // No backup was ever taken; the watch starts counting now. Nothing to say yet.
        var first = await CheckAsync(a, b);
        Assert.All(first.Where(c => c.Checked), c => Assert.Equal(WatchLevel.Ok, c.Level));
        Assert.Empty(http.Requests);

        // 19 h: still quiet. 19.2 h, 80 % of 24 h: one warning, to the Ops webhook only.
        clock.Advance(TimeSpan.FromHours(19));
        await CheckAsync(a, b);
        Assert.Empty(http.Requests);
        clock.Advance(TimeSpan.FromHours(0.2));
        var warned = await CheckAsync(a, b);
        Assert.Single(warned, c => c.Sent == LeoPass.Recovery.Backup.Alerts.OutcomeNotice.Warning);
        var warning = Assert.Single(Ops());
        Assert.Contains("\"status\":\"warning\"", warning.Body, StringComparison.Ordinal);
        Assert.Contains("RPO at risk: no verified backup at all", warning.Body, StringComparison.Ordinal);
        Assert.Empty(Kuma());
        Assert.Empty(Sentry());

        // 24 h: one alert on every channel, whichever node saw it.
        clock.Advance(TimeSpan.FromHours(4.8));
        await CheckAsync(a, b);
        var down = Assert.Single(Kuma());
        Assert.Equal("down", down.Query("status"));
        Assert.Contains("RPO breached", down.Query("msg"), StringComparison.Ordinal);
        Assert.Single(Sentry());
        Assert.Equal(2, Ops().Count);
        Assert.Contains("\"status\":\"failed\"", Ops()[1].Body, StringComparison.Ordinal);

        // Node a restarts mid-breach, and both keep checking for hours: no second alert.
        await cluster.StopAsync(a);
        var restarted = await cluster.StartNodeAsync();
        for (var hour = 0; hour < 3; hour++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            var checks = await CheckAsync(restarted, b);
            Assert.All(checks.Where(c => c.Checked), c => Assert.Equal(WatchLevel.Breach, c.Level));
        }
        Assert.Single(Kuma());
        Assert.Single(Sentry());
        Assert.Equal(2, Ops().Count);

        // A backup lands: one recovery, Kuma up and the webhook.
        await b.Get<BackupCatalogue>().RecordAsync(CatalogueSamples.Manifest(clock.GetUtcNow() - TimeSpan.FromMinutes(5)));
        await CheckAsync(restarted, b);
        Assert.Equal(2, Kuma().Count);
        Assert.Equal("up", Kuma()[1].Query("status"));
        Assert.Contains("RPO within target", Kuma()[1].Query("msg"), StringComparison.Ordinal);
        Assert.Equal(3, Ops().Count);
        Assert.Contains("\"status\":\"recovered\"", Ops()[2].Body, StringComparison.Ordinal);
        Assert.Single(Sentry());

        // Quiet again while the backup is fresh.
        clock.Advance(TimeSpan.FromHours(1));
        await CheckAsync(restarted, b);
        Assert.Equal(6, http.Requests.Count);
    }

    [Fact]
    public async Task A_check_that_finds_the_watch_held_by_another_node_leaves_it_to_that_node()
    {
        await using var cluster = await Cluster.CreateAsync();
        var a = await cluster.StartNodeAsync();
        var b = await cluster.StartNodeAsync();
        await a.Get<ClusterWatchdog>().CheckAsync();

        // Node a holds the rpo watch's row (as it does during its check); node b's check passes it by.
        await using var held = new Npgsql.NpgsqlConnection(cluster.Recovery.ConnectionString);
        await held.OpenAsync();
        await using var transaction = await held.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM catalogue.watches WHERE watch = 'rpo' FOR UPDATE", held, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }
        var passed = (await b.Get<ClusterWatchdog>().CheckAsync()).Single(c => c.Watch == "rpo");
        Assert.False(passed.Checked);
        await transaction.RollbackAsync();
        Assert.True((await b.Get<ClusterWatchdog>().CheckAsync()).Single(c => c.Watch == "rpo").Checked);
    }
}
