using System.Runtime.CompilerServices;
using LeoPass.Recovery.Core.Secrets;
using Polly;
using Polly.Timeout;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// Sends one job outcome to every configured channel at once and reports per channel what
/// happened. It never throws and never takes longer than <see cref="AlertOptions.TotalBudget"/>
/// (plus a moment): an alert target that is down or slow must not fail or hold up a backup.
/// </summary>
public sealed class AlertDispatcher
{
    // Past the budget, channels are cancelled; one that ignores cancellation is abandoned after this.
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<IAlertChannel> _channels;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly AlertOptions _options;

    public AlertDispatcher(IEnumerable<IAlertChannel> channels, ILogger logger, TimeProvider time, SecretRedactor redactor, AlertOptions? options = null)
    {
        _channels = [.. channels];
        _logger = logger;
        _time = time;
        _redactor = redactor;
        _options = options ?? new AlertOptions();
    }

    /// <summary>
    /// The dispatcher for the configured targets; a target left unset is simply not alerted.
    /// Registers the Kuma push token and the Sentry keys with <paramref name="redactor"/>
    /// (default <see cref="SecretRedactor.Shared"/>) so no log line can show them.
    /// Throws <see cref="ConfigurationException"/> for a malformed SENTRY_DSN: at start, not at 02:00.
    /// </summary>
    public static AlertDispatcher Create(AlertSettings settings, HttpClient http, ILogger logger, TimeProvider time, SecretRedactor? redactor = null, AlertOptions? options = null)
    {
        redactor ??= SecretRedactor.Shared;
        options ??= new AlertOptions();
        var channels = new List<IAlertChannel>();
        if (settings.UptimeKumaPushUrl is { } pushUrl)
        {
            redactor.Add(UptimeKumaPushUrl.TokenOf(pushUrl));
            channels.Add(new UptimeKumaPushChannel(http, pushUrl, redactor, options.MaxPushMessageLength));
        }
        if (settings.SentryDsn is { } dsnUrl)
        {
            var dsn = SentryDsn.Parse(dsnUrl);
            redactor.Add(dsn.PublicKey);
            redactor.Add(dsn.SecretKey);
            channels.Add(new SentryEnvelopeChannel(http, dsn, redactor, options.HostName, time));
        }
        if (settings.OpsWebhookUrl is { } webhookUrl)
        {
            channels.Add(new OpsWebhookChannel(http, webhookUrl, redactor, options.HostName, options.NotifyOpsWebhookOnSuccess));
        }
        return new AlertDispatcher(channels, logger, time, redactor, options);
    }

    public IReadOnlyList<IAlertChannel> Channels => _channels;

    /// <summary>
    /// Delivers <paramref name="outcome"/> to each channel it applies to, concurrently. Channels
    /// that do not apply (Sentry on success) are not in the result. Never throws.
    /// </summary>
    public async Task<IReadOnlyList<AlertDelivery>> DispatchAsync(JobOutcome outcome, CancellationToken cancellationToken = default)
    {
        var due = _channels.Where(channel => Applies(channel, outcome)).ToList();
        if (due.Count == 0) return [];

        using var budget = new CancellationTokenSource(_options.TotalBudget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        var deliveries = due.Select(channel => DeliverWithinBudgetAsync(channel, outcome, linked.Token, budget.Token));
        return await Task.WhenAll(deliveries);
    }

    private bool Applies(IAlertChannel channel, JobOutcome outcome)
    {
        try
        {
            return channel.AppliesTo(outcome);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Alert channel {Channel} could not decide whether to send: {Error}", channel.Name, Describe(e, budgetSpent: false));
            return false;
        }
    }

    private async Task<AlertDelivery> DeliverWithinBudgetAsync(IAlertChannel channel, JobOutcome outcome, CancellationToken token, CancellationToken budget)
    {
        var started = _time.GetTimestamp();
        var attempts = new StrongBox<int>();
        try
        {
            // The pipeline cancels cooperatively; WaitAsync bounds a channel that does not cooperate.
            return await DeliverAsync(channel, outcome, attempts, token, budget)
                .WaitAsync(_options.TotalBudget + AbandonGrace, _time);
        }
        catch (TimeoutException)
        {
            var error = $"abandoned: no result within the {_options.TotalBudget.TotalSeconds:0.#} s alert budget";
            _logger.LogWarning("Alert {Channel} to {Host} not delivered after {Attempts} attempt(s): {Error}", channel.Name, channel.TargetHost, attempts.Value, error);
            return new AlertDelivery(channel.Name, false, attempts.Value, error, _time.GetElapsedTime(started));
        }
    }

    private async Task<AlertDelivery> DeliverAsync(IAlertChannel channel, JobOutcome outcome, StrongBox<int> attempts, CancellationToken token, CancellationToken budget)
    {
        var started = _time.GetTimestamp();
        try
        {
            await Task.Yield(); // never run a channel's synchronous part on the caller's thread
            await PipelineFor(channel).ExecuteAsync(async ct =>
            {
                attempts.Value++;
                await channel.SendAsync(outcome, ct);
            }, token);
            var elapsed = _time.GetElapsedTime(started);
            _logger.LogInformation("Alert {Channel} delivered to {Host} in {Attempts} attempt(s), {ElapsedMs} ms", channel.Name, channel.TargetHost, attempts.Value, (long)elapsed.TotalMilliseconds);
            return new AlertDelivery(channel.Name, true, attempts.Value, null, elapsed);
        }
        catch (Exception e)
        {
            var error = Describe(e, budget.IsCancellationRequested);
            _logger.LogWarning("Alert {Channel} to {Host} not delivered after {Attempts} attempt(s): {Error}", channel.Name, channel.TargetHost, attempts.Value, error);
            return new AlertDelivery(channel.Name, false, attempts.Value, error, _time.GetElapsedTime(started));
        }
    }

    private ResiliencePipeline PipelineFor(IAlertChannel channel) =>
        AlertResilience.Build(_options, _time, (reason, attempt) =>
            _logger.LogDebug("Alert {Channel} to {Host}: attempt {Attempt} after: {Reason}", channel.Name, channel.TargetHost, attempt, Redact(reason)));

    /// <summary>A one-line, redacted reason. Exceptions themselves are never logged: their text may hold a secret.</summary>
    private string Describe(Exception e, bool budgetSpent)
    {
        var reason = e switch
        {
            TimeoutRejectedException => $"no answer within {_options.AttemptTimeout.TotalSeconds:0.#} s",
            OperationCanceledException when budgetSpent => $"gave up: the {_options.TotalBudget.TotalSeconds:0.#} s alert budget ran out",
            TaskCanceledException { InnerException: TimeoutException } => "no answer within the HTTP client's timeout",
            OperationCanceledException => "cancelled",
            HttpRequestException { InnerException: { } inner } when !e.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{e.Message} ({inner.Message})",
            HttpRequestException or AlertRejectedException => e.Message,
            _ => $"{e.GetType().Name}: {e.Message}",
        };
        return Redact(reason);
    }

    private string Redact(string text) => AlertText.OneLine(_redactor.Redact(text), 500);
}
