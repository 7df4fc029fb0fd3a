using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class UptimeKumaPushTests
{
    [Fact]
    public async Task Kuma_push_reports_up_with_summary_and_duration_when_backup_succeeds()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();

        var deliveries = await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Success());

        var push = Assert.Single(server.RequestsTo(AlertTestKit.KumaPath));
        Assert.Equal("GET", push.Method);
        Assert.Equal("up", push.Query("status"));
        Assert.Equal("125400", push.Query("ping"));
        Assert.Equal("nightly-backup: leopass-2026-11-27T020000Z.dump.zst.pgp, 412 MB, verified", push.Query("msg"));
        var kuma = Assert.Single(deliveries, d => d.Channel == "uptime-kuma");
        Assert.True(kuma.Delivered);
        Assert.Equal(1, kuma.Attempts);
        Assert.Null(kuma.Error);
    }

    [Fact]
    public async Task Kuma_push_reports_down_with_duration_when_backup_fails()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();

        await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Failure("upload of part 3 failed:\n  connection reset by peer"));

        var push = Assert.Single(server.RequestsTo(AlertTestKit.KumaPath));
        Assert.Equal("down", push.Query("status"));
        Assert.Equal("105400", push.Query("ping"));
        // One line: the multi-line error is folded, the failed stage named.
        Assert.Equal("nightly-backup FAILED at upload: upload of part 3 failed: connection reset by peer", push.Query("msg"));
    }

    [Fact]
    public async Task Kuma_push_ends_with_the_runs_page_kept_whole_when_a_long_error_is_cut()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();
        var link = new Uri("https://recovery.ops.example.test/runs/4711");

        await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Failure("pg_dump: error: " + new string('x', 400)) with { Link = link });

        var message = Assert.Single(server.RequestsTo(AlertTestKit.KumaPath)).Query("msg")!;
        Assert.EndsWith("… " + link.AbsoluteUri, message, StringComparison.Ordinal);
        Assert.StartsWith("nightly-backup FAILED at upload: pg_dump: error: xxx", message, StringComparison.Ordinal);
        Assert.Equal(250, message.Length);
    }

    [Fact]
    public async Task Kuma_push_replaces_the_placeholder_query_and_keeps_other_parameters()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();
        var settings = AlertTestKit.SettingsFor(server.Port) with
        {
            UptimeKumaPushUrl = server.Url($"api/push/{AlertTestKit.KumaToken}?status=up&msg=OK&ping=&region=eu%2Dwest&flag"),
        };

        await AlertTestKit.Dispatcher(settings, http).DispatchAsync(AlertTestKit.Failure());

        var push = Assert.Single(server.RequestsTo(AlertTestKit.KumaPath));
        var pairs = push.PathAndQuery.Split('?', 2)[1].Split('&');
        Assert.Single(pairs, p => p.StartsWith("status=", StringComparison.Ordinal));
        Assert.Single(pairs, p => p.StartsWith("msg=", StringComparison.Ordinal));
        Assert.Single(pairs, p => p.StartsWith("ping=", StringComparison.Ordinal));
        Assert.Equal("down", push.Query("status"));
        Assert.Equal("eu-west", push.Query("region"));
        Assert.Contains("flag", pairs);
    }

    [Fact]
    public async Task Kuma_answer_ok_false_counts_as_not_delivered_and_is_not_retried()
    {
        await using var server = new RecordingHttpServer
        {
            Responder = _ => "{\"ok\":false,\"msg\":\"Monitor not found or not active.\"}",
        };
        using var http = AlertTestKit.NewHttpClient();

        var deliveries = await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Success());

        var kuma = Assert.Single(deliveries, d => d.Channel == "uptime-kuma");
        Assert.False(kuma.Delivered);
        Assert.Equal(1, kuma.Attempts);
        Assert.Contains("Monitor not found", kuma.Error, StringComparison.Ordinal);
    }
}
