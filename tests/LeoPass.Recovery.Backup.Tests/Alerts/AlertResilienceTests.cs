using System.Diagnostics;
using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class AlertResilienceTests
{
    [Fact]
    public async Task Target_answering_500_is_retried_then_given_up_without_throwing()
    {
        await using var server = new RecordingHttpServer { StatusCode = 500 };
        using var http = AlertTestKit.NewHttpClient();
        var logger = new RecordingLogger();

        var deliveries = await AlertTestKit.Dispatcher(server, http, logger).DispatchAsync(AlertTestKit.Failure());

        Assert.Equal(["uptime-kuma", "sentry", "ops-webhook"], deliveries.Select(d => d.Channel));
        Assert.All(deliveries, delivery =>
        {
            Assert.False(delivery.Delivered);
            Assert.Equal(3, delivery.Attempts);
            Assert.Contains("500", delivery.Error, StringComparison.Ordinal);
        });
        Assert.Equal(3, server.RequestsTo(AlertTestKit.KumaPath).Count);
        Assert.Equal(3, server.RequestsTo(AlertTestKit.SentryPath).Count);
        Assert.Equal(3, server.RequestsTo(AlertTestKit.WebhookPath).Count);
        Assert.Contains(logger.Lines, l => l.StartsWith("Warning: Alert sentry to 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Target_refusing_with_404_is_not_retried()
    {
        await using var server = new RecordingHttpServer { StatusCode = 404 };
        using var http = AlertTestKit.NewHttpClient();

        var deliveries = await AlertTestKit.Dispatcher(server, http).DispatchAsync(AlertTestKit.Failure());

        Assert.All(deliveries, d => Assert.Equal((false, 1), (d.Delivered, d.Attempts)));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Target_not_listening_does_not_throw_and_returns_quickly()
    {
        using var http = AlertTestKit.NewHttpClient();
        var nobody = FreePort.Next();
        // The production defaults (5 s attempts, 2 retries, 500 ms backoff): refused connections fail fast.
        var options = new AlertOptions { HostName = AlertTestKit.Host };
        var stopwatch = Stopwatch.StartNew();

        var deliveries = await AlertTestKit.Dispatcher(AlertTestKit.SettingsFor(nobody), http, options: options).DispatchAsync(AlertTestKit.Failure());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(6), $"took {stopwatch.Elapsed}");
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d =>
        {
            Assert.False(d.Delivered);
            Assert.Equal(3, d.Attempts);
            Assert.Contains("refused", d.Error, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Target_that_never_answers_is_timed_out_per_attempt()
    {
        using var silent = new SilentTcpServer();
        using var http = AlertTestKit.NewHttpClient();
        var options = AlertTestKit.FastOptions with { AttemptTimeout = TimeSpan.FromMilliseconds(300) };
        var stopwatch = Stopwatch.StartNew();

        var deliveries = await AlertTestKit.Dispatcher(AlertTestKit.SettingsFor(silent.Port), http, options: options).DispatchAsync(AlertTestKit.Failure());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"took {stopwatch.Elapsed}");
        Assert.All(deliveries, d =>
        {
            Assert.False(d.Delivered);
            Assert.Equal(3, d.Attempts);
            Assert.Equal("no answer within 0.3 s", d.Error);
        });
    }

    [Fact]
    public async Task Dispatch_stays_within_its_total_budget_when_a_target_hangs()
    {
        using var silent = new SilentTcpServer();
        using var http = AlertTestKit.NewHttpClient();
        var options = AlertTestKit.FastOptions with { AttemptTimeout = TimeSpan.FromSeconds(30), TotalBudget = TimeSpan.FromSeconds(1) };
        var stopwatch = Stopwatch.StartNew();

        var deliveries = await AlertTestKit.Dispatcher(AlertTestKit.SettingsFor(silent.Port), http, options: options).DispatchAsync(AlertTestKit.Failure());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
        Assert.All(deliveries, d => Assert.Contains("alert budget ran out", d.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Healthy_targets_are_delivered_while_another_is_down()
    {
        await using var server = new RecordingHttpServer();
        using var http = AlertTestKit.NewHttpClient();
        var settings = AlertTestKit.SettingsFor(server.Port) with { OpsWebhookUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/hooks/ops") };

        var deliveries = await AlertTestKit.Dispatcher(settings, http).DispatchAsync(AlertTestKit.Failure());

        Assert.True(deliveries.Single(d => d.Channel == "uptime-kuma").Delivered);
        Assert.True(deliveries.Single(d => d.Channel == "sentry").Delivered);
        Assert.False(deliveries.Single(d => d.Channel == "ops-webhook").Delivered);
    }

    [Fact]
    public async Task A_channel_that_throws_or_ignores_cancellation_cannot_break_the_dispatch()
    {
        var options = AlertTestKit.FastOptions with { TotalBudget = TimeSpan.FromMilliseconds(300) };
        var dispatcher = new AlertDispatcher([new ThrowingChannel(), new StuckChannel()], new RecordingLogger(), TimeProvider.System, new SecretRedactor(), options);
        var stopwatch = Stopwatch.StartNew();

        var deliveries = await dispatcher.DispatchAsync(AlertTestKit.Failure());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"took {stopwatch.Elapsed}");
        var thrown = deliveries.Single(d => d.Channel == "throwing");
        Assert.Equal((false, 1), (thrown.Delivered, thrown.Attempts));
        Assert.Equal("InvalidOperationException: bug in a channel", thrown.Error);
        Assert.StartsWith("abandoned", deliveries.Single(d => d.Channel == "stuck").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_configured_target_means_nothing_to_do()
    {
        using var http = AlertTestKit.NewHttpClient();

        var dispatcher = AlertTestKit.Dispatcher(new AlertSettings(), http);

        Assert.Empty(dispatcher.Channels);
        Assert.Empty(await dispatcher.DispatchAsync(AlertTestKit.Failure()));
    }

    private sealed class ThrowingChannel : IAlertChannel
    {
        public string Name => "throwing";
        public string TargetHost => "nowhere";
        public bool AppliesTo(JobOutcome outcome) => true;
        public Task SendAsync(JobOutcome outcome, CancellationToken cancellationToken) => throw new InvalidOperationException("bug in a channel");
    }

    private sealed class StuckChannel : IAlertChannel
    {
        public string Name => "stuck";
        public string TargetHost => "nowhere";
        public bool AppliesTo(JobOutcome outcome) => true;
        public Task SendAsync(JobOutcome outcome, CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
    }
}
