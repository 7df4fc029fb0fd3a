using System.Text.Json;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// Reports every run to an Uptime Kuma push monitor: <c>status=up</c> on success, <c>down</c> on
/// failure, with a one-line message and the job's duration as <c>ping</c> (ms), so the monitor's
/// chart doubles as a backup-duration graph. Sent after every run, because a push monitor
/// alerts on a missing heartbeat: it also catches the backup that never ran.
/// </summary>
public sealed class UptimeKumaPushChannel : IAlertChannel
{
    private readonly HttpClient _http;
    private readonly Uri _pushUrl;
    private readonly SecretRedactor _redactor;
    private readonly int _maxMessageLength;

    public UptimeKumaPushChannel(HttpClient http, Uri pushUrl, SecretRedactor redactor, int maxMessageLength = 250)
    {
        _http = http;
        _pushUrl = pushUrl;
        _redactor = redactor;
        _maxMessageLength = maxMessageLength;
    }

    public string Name => "uptime-kuma";

    public string TargetHost => AlertText.HostOf(_pushUrl);

    /// <summary>Every up and down; not a warning, which is neither (the monitor would flap to up while things get worse).</summary>
    public bool AppliesTo(JobOutcome outcome) => outcome.Notice != OutcomeNotice.Warning;

    public async Task SendAsync(JobOutcome outcome, CancellationToken cancellationToken)
    {
        var url = UptimeKumaPushUrl.Build(_pushUrl, outcome.Succeeded, MessageFor(outcome), outcome.Duration);
        using var response = await _http.GetAsync(url, cancellationToken);
        await HttpAnswer.EnsureAcceptedAsync(response, Name, cancellationToken);
        await EnsureKumaAcceptedAsync(response, cancellationToken);
    }

    /// <summary>
    /// "nightly-backup: &lt;summary&gt;" on success; on failure the stage and error too, redacted, one
    /// line; the run's link last. The text is cut to leave the link whole: a cut link leads nowhere.
    /// </summary>
    public string MessageFor(JobOutcome outcome)
    {
        var text = outcome.Succeeded
            ? $"{outcome.JobName}: {outcome.Summary}"
            : $"{outcome.JobName} FAILED{(outcome.StageThatFailed is { } stage ? " at " + stage : "")}: {outcome.Error ?? outcome.Summary}";
        var link = outcome.Link is null ? null : " " + _redactor.Redact(outcome.Link.AbsoluteUri);
        // A link that would leave less than half the message for the text is left out: the text says what broke.
        if (link is null || link.Length > _maxMessageLength / 2) return AlertText.OneLine(_redactor.Redact(text), _maxMessageLength);
        return AlertText.OneLine(_redactor.Redact(text), _maxMessageLength - link.Length) + link;
    }

    /// <summary>
    /// Kuma answers a push for an unknown or paused monitor with <c>{"ok":false,"msg":…}</c>; some
    /// versions do so with status 200, so the body decides, not only the status.
    /// </summary>
    private async Task EnsureKumaAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False)
            {
                var reason = json.RootElement.TryGetProperty("msg", out var msg) ? msg.ToString() : "no reason given";
                throw new AlertRejectedException($"{Name} refused the push: {AlertText.OneLine(reason, 200)}");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy in front of Kuma, an older version): the 2xx status is all we know.
        }
    }
}
