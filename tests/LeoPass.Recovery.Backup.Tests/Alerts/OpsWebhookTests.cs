using System.Text.Json;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class OpsWebhookTests
{
    [Fact]
    public async Task Ops_webhook_receives_snake_case_json_when_backup_fails()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();
        var outcome = AlertTestKit.Failure("upload of part 3 failed: connection reset by peer");

        await AlertTestKit.Dispatcher(server, http).DispatchAsync(outcome);

        var post = Assert.Single(server.RequestsTo(AlertTestKit.WebhookPath));
        Assert.Equal("POST", post.Method);
        Assert.StartsWith("application/json", post.Headers["Content-Type"], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(post.Body);
        var body = json.RootElement;
        Assert.Equal("nightly-backup", body.GetProperty("job").GetString());
        Assert.Equal("failed", body.GetProperty("status").GetString());
        Assert.Equal("backup failed", body.GetProperty("summary").GetString());
        Assert.Equal("upload of part 3 failed: connection reset by peer", body.GetProperty("error").GetString());
        Assert.Equal("upload", body.GetProperty("failed_stage").GetString());
        Assert.Equal(105_400, body.GetProperty("duration_ms").GetInt64());
        Assert.Equal(AlertTestKit.Host, body.GetProperty("host").GetString());
        Assert.Equal("leopass-2026-11-27T020000Z.dump.zst.pgp", body.GetProperty("details").GetProperty("key").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 2, 1, 45, 400, TimeSpan.Zero), body.GetProperty("occurred_at").GetDateTimeOffset());
        Assert.Equal(outcome.Id.ToString("N"), body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Ops_webhook_stays_silent_on_success_by_default()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();

        var deliveries = await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Success());

        Assert.Empty(server.RequestsTo(AlertTestKit.WebhookPath));
        Assert.Equal(["uptime-kuma"], deliveries.Select(d => d.Channel));
    }

    [Fact]
    public async Task Ops_webhook_posts_success_when_asked_to()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();
        var options = AlertTestKit.FastOptions with { NotifyOpsWebhookOnSuccess = true };

        await AlertTestKit.Dispatcher(server, http, options: options).DispatchAsync(AlertTestKit.Success());

        using var json = JsonDocument.Parse(Assert.Single(server.RequestsTo(AlertTestKit.WebhookPath)).Body);
        Assert.Equal("succeeded", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("error").ValueKind);
        Assert.Equal("432013312", json.RootElement.GetProperty("details").GetProperty("size").GetString());
    }
}
