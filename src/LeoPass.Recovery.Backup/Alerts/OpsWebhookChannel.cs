using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// POSTs the outcome as JSON (<see cref="OpsWebhookPayload"/>) to the Ops webhook: always on
/// failure, warning and recovery, on success only when asked (see <see cref="AlertOptions.NotifyOpsWebhookOnSuccess"/>).
/// </summary>
public sealed class OpsWebhookChannel : IAlertChannel
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly SecretRedactor _redactor;
    private readonly string _host;
    private readonly bool _notifyOnSuccess;

    public OpsWebhookChannel(HttpClient http, Uri url, SecretRedactor redactor, string host, bool notifyOnSuccess = false)
    {
        _http = http;
        _url = url;
        _redactor = redactor;
        _host = host;
        _notifyOnSuccess = notifyOnSuccess;
    }

    public string Name => "ops-webhook";

    public string TargetHost => AlertText.HostOf(_url);

    /// <summary>Failures, warnings and recoveries (who heard the alert hears it is over); plain successes only when asked.</summary>
    public bool AppliesTo(JobOutcome outcome) => !outcome.Succeeded || outcome.Notice != OutcomeNotice.None || _notifyOnSuccess;

    public async Task SendAsync(JobOutcome outcome, CancellationToken cancellationToken)
    {
        var json = OpsWebhookPayload.From(outcome, _host, _redactor).ToJson();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(_url, content, cancellationToken);
        await HttpAnswer.EnsureAcceptedAsync(response, Name, cancellationToken);
    }
}
