using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// Sends a failed outcome to Sentry as an error event with the pipeline's breadcrumbs.
/// </summary>
/// <remarks>
/// Why a hand-written envelope over HttpClient instead of the Sentry SDK: the SDK is built
/// around process-global state (<c>SentrySdk.Init</c> installs unhandled-exception and
/// unobserved-task handlers, a background worker and its own transport with its own retries
/// and disk cache) and its capture is fire-and-forget: <c>FlushAsync</c> says nothing about
/// whether the event arrived. Here the alert must go through the same bounded
/// timeout/retry as the other channels and report a per-channel result, must not change how
/// the CLI process behaves, and must be testable against a local HTTP server. One envelope
/// POST (the documented ingestion format) gives all of that in ~100 lines.
/// </remarks>
public sealed class SentryEnvelopeChannel : IAlertChannel
{
    private const string Client = "leopass-recovery/1.0";

    private readonly HttpClient _http;
    private readonly SentryDsn _dsn;
    private readonly SecretRedactor _redactor;
    private readonly string _host;
    private readonly TimeProvider _time;

    public SentryEnvelopeChannel(HttpClient http, SentryDsn dsn, SecretRedactor redactor, string host, TimeProvider time)
    {
        _http = http;
        _dsn = dsn;
        _redactor = redactor;
        _host = host;
        _time = time;
    }

    public string Name => "sentry";

    public string TargetHost => AlertText.HostOf(_dsn.EnvelopeEndpoint);

    /// <summary>Failures only: a Sentry issue per successful night would be noise, and Kuma has the heartbeat.</summary>
    public bool AppliesTo(JobOutcome outcome) => !outcome.Succeeded;

    public async Task SendAsync(JobOutcome outcome, CancellationToken cancellationToken)
    {
        var envelope = SentryEnvelope.Build(outcome, _host, _redactor, _time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, _dsn.EnvelopeEndpoint)
        {
            Content = new StringContent(envelope, Encoding.UTF8, SentryEnvelope.ContentType),
        };
        request.Headers.TryAddWithoutValidation("X-Sentry-Auth", _dsn.AuthHeader(Client));
        using var response = await _http.SendAsync(request, cancellationToken);
        await HttpAnswer.EnsureAcceptedAsync(response, Name, cancellationToken);
    }
}
