using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Server.Roles;
using LeoPass.Recovery.Server.Tokens;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests.Metrics;

/// <summary>/metrics scraped by a real Prometheus, and the shipped rules and dashboard checked by promtool and against what /metrics serves.</summary>
public sealed partial class MetricsTests
{
    private static async Task<(ProductHost Server, TestDatabase Database)> StartServerAsync(params (string Name, string Value)[] extra)
    {
        var database = await PostgresServer.CreateDatabaseAsync("metrics");
        var variables = new Dictionary<string, string?>
        {
            ["RECOVERY_DATABASE_URL"] = database.Url,
            ["DATABASE_URL"] = PostgresConnectionStringFor("leopass_source"),
            ["BACKUP_DIR"] = Directory.CreateTempSubdirectory("leopass-metrics-").FullName,
            ["LEOPASS_SCHEDULER_NAME"] = "metrics-" + Guid.NewGuid().ToString("N")[..8],
            ["LEOPASS_WORKFLOWS_DIR"] = Path.Combine(RepositoryRoot.Path, "workflows"),
        };
        foreach (var (name, value) in extra) variables[name] = value;
        return (await ProductHost.StartServerAsync(variables), database);
    }

    private static string PostgresConnectionStringFor(string database) =>
        Core.Configuration.PostgresConnectionString.ToUrl(Core.Configuration.PostgresConnectionString.WithDatabase(PostgresServer.SuperuserConnectionString, database));

    [Fact]
    public async Task A_real_Prometheus_scraping_the_server_reads_the_seconds_since_the_last_backup()
    {
        var (server, database) = await StartServerAsync();
        await using var _ = database;
        await using var __ = server;
        // A backup that completed 3 h 25 min ago (its snapshot a few minutes before that).
        var completed = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(205);
        await server.Get<BackupCatalogue>().RecordAsync(CatalogueSamples.Manifest(completed - TimeSpan.FromMinutes(4), completedAt: completed));

        await using var prometheus = await PrometheusProcess.StartAsync(server.BaseAddress!.Authority);
        var sample = await prometheus.QueryAsync("leopass_backup_since_last_completion_seconds");

        // Prometheus stamps a sample with its scrape's start; the server computes the age during that scrape.
        var expected = (sample.At - completed).TotalSeconds;
        Assert.InRange(sample.Value, expected - 1, expected + 5);
        Assert.Equal("leopass", sample.Labels["database"]);
        Assert.Equal("leopass-recovery", sample.Labels["job"]);
        var rpo = await prometheus.QueryAsync("leopass_recovery_point_age_seconds");
        Assert.InRange(rpo.Value, (rpo.At - completed).TotalSeconds + 239, (rpo.At - completed).TotalSeconds + 245);
        Assert.Equal(7200, (await prometheus.QueryAsync("leopass_rto_target_seconds")).Value);
        Assert.True((await prometheus.QueryAsync("leopass_engine_nodes_alive")).Value >= 1);
        Assert.Equal(double.PositiveInfinity, (await prometheus.QueryAsync("leopass_backup_since_last_restore_verified_seconds")).Value);
    }

    [Fact]
    public async Task With_no_backup_at_all_the_ages_are_infinite_never_zero_and_named_after_the_configured_database()
    {
        var (server, database) = await StartServerAsync();
        await using var _ = database;
        await using var __ = server;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var text = await http.GetStringAsync("/metrics");
        void Has(string line) => Assert.True(text.Split('\n').Contains(line), $"/metrics has no line '{line}':\n{text}");

        // prometheus-net writes +Inf as "Infinity", which Prometheus reads as +Inf (the scrape test above queries one).
        foreach (var age in new[] { "leopass_backup_since_last_completion_seconds", "leopass_recovery_point_age_seconds", "leopass_backup_since_last_restore_verified_seconds" })
        {
            var line = text.Split('\n').SingleOrDefault(l => l.StartsWith($"{age}{{database=\"leopass_source\"}} ", StringComparison.Ordinal));
            Assert.True(line is not null, $"/metrics has no {age} for leopass_source:\n{text}");
            Assert.True(double.IsPositiveInfinity(double.Parse(line![(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)), line);
        }
        Assert.DoesNotContain("leopass_rto_predicted_seconds{", text, StringComparison.Ordinal);
        Has("leopass_metrics_collect_ok 1");
        // Every published definition in every state, zeros included.
        Has("leopass_runs{definition=\"verify-restore\",state=\"Halted\"} 0");
        Has("leopass_backup_runs{definition=\"nightly-backup\",outcome=\"succeeded\"} 0");
    }

    [Fact]
    public async Task With_LEOPASS_METRICS_TOKEN_REQUIRED_metrics_need_a_viewer_token_and_Prometheus_scrapes_with_one()
    {
        var (server, database) = await StartServerAsync(("LEOPASS_METRICS_TOKEN_REQUIRED", "true"));
        await using var _ = database;
        await using var __ = server;
        var token = (await server.Get<TokenStore>().CreateAsync("prometheus", ApiRole.Viewer, "test")).Token;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        await using var prometheus = await PrometheusProcess.StartAsync(server.BaseAddress!.Authority, token);
        Assert.Equal(1, (await prometheus.QueryAsync("up")).Value);
    }

    [Fact]
    public async Task The_shipped_rules_pass_promtool_check_and_the_rule_tests_fire_the_backup_too_old_alert()
    {
        var rules = Path.Combine(RepositoryRoot.Path, "deploy", "prometheus", "leopass-alerts.yml");
        var check = await ExternalTool.RunAsync("promtool", ["check", "rules", rules]);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("SUCCESS: 9 rules found", check.StandardOutput, StringComparison.Ordinal);

        var tests = Path.Combine(RepositoryRoot.Path, "deploy", "prometheus", "leopass-alerts.test.yml");
        Assert.Contains("alertname: LeopassBackupTooOld", await File.ReadAllTextAsync(tests), StringComparison.Ordinal);
        var run = await ExternalTool.RunAsync("promtool", ["test", "rules", tests]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SUCCESS", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_metric_the_rules_and_the_Grafana_dashboard_use_is_served()
    {
        var (server, database) = await StartServerAsync();
        await using var _ = database;
        await using var __ = server;
        // A backup, so the size and duration series exist too.
        await server.Get<BackupCatalogue>().RecordAsync(CatalogueSamples.Manifest(DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        // The watchdog's first round (right after start) creates its watches.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await server.Get<BackupCatalogue>().WatchesAsync()).Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var served = MetricName().Matches(await http.GetStringAsync("/metrics")).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        foreach (var file in new[] { "deploy/prometheus/leopass-alerts.yml", "deploy/grafana/leopass-recovery.json" })
        {
            var used = MetricName().Matches(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, file))).Select(m => m.Value).Distinct().ToList();
            Assert.NotEmpty(used);
            // The predicted RTO is absent until the first samples; the histogram's series until a step ran here;
            // the WAL stream's series until WAL is streamed (the point-in-time tests scrape those).
            var missing = used.Where(m => !served.Contains(m) && !m.StartsWith("leopass_rto_predicted", StringComparison.Ordinal) && !m.StartsWith("leopass_step_duration_seconds", StringComparison.Ordinal)
                && !(m.StartsWith("leopass_wal_", StringComparison.Ordinal) && m != "leopass_wal_rpo_target_seconds")).ToList();
            Assert.True(missing.Count == 0, $"{file} uses metrics /metrics does not serve: {string.Join(", ", missing)}");
        }
    }

    [GeneratedRegex(@"\bleopass_[a-z_]+")]
    private static partial Regex MetricName();
}
