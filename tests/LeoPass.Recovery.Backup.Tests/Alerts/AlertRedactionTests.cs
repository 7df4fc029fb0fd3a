using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class AlertRedactionTests
{
    // Characters that change under percent-encoding, so both spellings must be masked.
    private const string Secret = "s3cr3t/PASS+word=42";

    [Fact]
    public async Task Registered_secret_in_the_error_never_reaches_any_alert_body_query_or_log()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();
        var redactor = new SecretRedactor();
        redactor.Add(Secret);
        var logger = new RecordingLogger();
        var options = AlertTestKit.FastOptions with { NotifyOpsWebhookOnSuccess = true };
        // The pipeline forgot to redact everywhere: the channels must still mask it.
        var trail = AlertTestKit.TrailUpTo("dump");
        trail.Fail("dump", $"pg_dump: password authentication failed ({Secret})", new Dictionary<string, string> { ["url"] = $"postgresql://app:{Secret}@db/leopass" });
        var outcome = new JobOutcome
        {
            JobName = "nightly-backup",
            Succeeded = false,
            Duration = TimeSpan.FromSeconds(3),
            FinishedAt = trail.Now,
            Summary = $"backup failed for postgresql://app:{Secret}@db",
            Error = $"password authentication failed for user app with {Secret}\nand {Uri.EscapeDataString(Secret)}",
            ErrorType = "Npgsql.PostgresException",
            Details = new Dictionary<string, string> { ["database_url"] = $"postgresql://app:{Secret}@db/leopass" },
            Breadcrumbs = trail.Snapshot(),
        };

        var deliveries = await AlertTestKit.Dispatcher(server, http, logger, redactor, options).DispatchAsync(outcome);

        Assert.All(deliveries, d => Assert.True(d.Delivered, d.Error));
        Assert.Equal(3, server.Requests.Count);
        foreach (var request in server.Requests)
        {
            var sent = Uri.UnescapeDataString(request.PathAndQuery) + "\n" + request.Body;
            Assert.DoesNotContain("s3cr3t", sent, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3t", request.PathAndQuery, StringComparison.Ordinal);
            Assert.Contains(SecretRedactor.Mask, sent, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("s3cr3t", logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_outcome_built_from_an_exception_is_redacted_before_it_travels()
    {
        var redactor = new SecretRedactor();
        redactor.Add(Secret);

        var outcome = AlertTestKit.Failure($"S3 said: bad signature for {Secret}", redactor);

        Assert.Equal("S3 said: bad signature for ***", outcome.Error);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Kuma_token_and_sentry_key_are_never_logged()
    {
        await using var server = new RecordingHttpServer { StatusCode = 503 };
        using var http = AlertTestKit.NewHttpClient();
        var logger = new RecordingLogger();

        await AlertTestKit.Dispatcher(server, http, logger).DispatchAsync(AlertTestKit.Failure());

        Assert.NotEmpty(logger.Lines);
        Assert.Contains($"127.0.0.1:{server.Port}", logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(AlertTestKit.KumaToken, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(AlertTestKit.SentryKey, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/", logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Creating_the_dispatcher_registers_the_push_token_and_dsn_key_as_secrets()
    {
        var redactor = new SecretRedactor();
        using var http = AlertTestKit.NewHttpClient();

        AlertTestKit.Dispatcher(AlertTestKit.SettingsFor(1), http, redactor: redactor);

        Assert.Equal("*** and ***", redactor.Redact($"{AlertTestKit.KumaToken} and {AlertTestKit.SentryKey}"));
    }
}
