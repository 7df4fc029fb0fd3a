using System.Text.Json;
using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class SentryAlertTests
{
    [Fact]
    public async Task Sentry_receives_an_error_event_with_pipeline_breadcrumbs_when_backup_fails()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();

        var deliveries = await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Failure("upload of part 3 failed: connection reset by peer"));

        Assert.True(Assert.Single(deliveries, d => d.Channel == "sentry").Delivered);
        var post = Assert.Single(server.RequestsTo(AlertTestKit.SentryPath));
        Assert.Equal("POST", post.Method);
        Assert.StartsWith("application/x-sentry-envelope", post.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains($"sentry_key={AlertTestKit.SentryKey}", post.Headers["X-Sentry-Auth"], StringComparison.Ordinal);
        Assert.Contains("sentry_version=7", post.Headers["X-Sentry-Auth"], StringComparison.Ordinal);

        var lines = post.Body.Split('\n');
        using var header = JsonDocument.Parse(lines[0]);
        using var item = JsonDocument.Parse(lines[1]);
        using var payload = JsonDocument.Parse(lines[2]);
        var sentEvent = payload.RootElement;
        Assert.Equal("event", item.RootElement.GetProperty("type").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(lines[2]), item.RootElement.GetProperty("length").GetInt32());
        Assert.Equal(header.RootElement.GetProperty("event_id").GetString(), sentEvent.GetProperty("event_id").GetString());
        Assert.False(header.RootElement.TryGetProperty("dsn", out _), "the envelope header must not carry the DSN (it holds the key)");

        Assert.Equal("error", sentEvent.GetProperty("level").GetString());
        var exception = sentEvent.GetProperty("exception").GetProperty("values")[0];
        Assert.Equal("System.IO.IOException", exception.GetProperty("type").GetString());
        Assert.Equal("upload of part 3 failed: connection reset by peer", exception.GetProperty("value").GetString());
        var tags = sentEvent.GetProperty("tags");
        Assert.Equal("nightly-backup", tags.GetProperty("job").GetString());
        Assert.Equal("upload", tags.GetProperty("stage").GetString());
        Assert.Equal(AlertTestKit.Host, tags.GetProperty("host").GetString());

        var crumbs = sentEvent.GetProperty("breadcrumbs").GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(["dump", "compress", "encrypt", "upload", "upload"], crumbs.Select(c => c.GetProperty("category").GetString()));
        Assert.Equal("error", crumbs[^1].GetProperty("level").GetString());
        Assert.Equal("part 3 failed", crumbs[^1].GetProperty("message").GetString());
        Assert.Equal("2026-11-27T02:00:10.000Z", crumbs[0].GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Sentry_hears_nothing_when_backup_succeeds()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();

        var deliveries = await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Success());

        Assert.Empty(server.RequestsTo("/api/" + AlertTestKit.SentryProject));
        Assert.DoesNotContain(deliveries, d => d.Channel == "sentry");
        Assert.Single(server.RequestsTo(AlertTestKit.KumaPath)); // the dispatch did run
    }

    [Theory]
    [InlineData("https://abc123@o1.ingest.sentry.io/4505", "https://o1.ingest.sentry.io/api/4505/envelope/", "abc123", null)]
    [InlineData("http://pub:sec@sentry.internal:9000/7", "http://sentry.internal:9000/api/7/envelope/", "pub", "sec")]
    [InlineData("https://key@proxy.example/sentry/relay/12", "https://proxy.example/sentry/relay/api/12/envelope/", "key", null)]
    public void Sentry_dsn_maps_to_the_envelope_endpoint(string dsn, string endpoint, string publicKey, string? secretKey)
    {
        var parsed = SentryDsn.Parse(new Uri(dsn));

        Assert.Equal(endpoint, parsed.EnvelopeEndpoint.AbsoluteUri);
        Assert.Equal(publicKey, parsed.PublicKey);
        Assert.Equal(secretKey, parsed.SecretKey);
    }

    [Theory]
    [InlineData("https://sentry.example/42")]
    [InlineData("https://s3cretkey@sentry.example/")]
    [InlineData("https://s3cretkey@sentry.example/project")]
    public void Malformed_sentry_dsn_is_refused_without_echoing_it(string dsn)
    {
        var error = Assert.Throws<ConfigurationException>(() => SentryDsn.Parse(new Uri(dsn)));

        Assert.Contains("SENTRY_DSN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretkey", error.Message, StringComparison.Ordinal);
    }
}
