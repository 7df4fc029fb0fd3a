namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// One place an outcome is reported to. A channel makes exactly one attempt per
/// <see cref="SendAsync"/> and throws when it fails; timeouts, retries, logging and the
/// never-throw guarantee live in <see cref="AlertDispatcher"/>, once for all channels.
/// </summary>
public interface IAlertChannel
{
    /// <summary>Short stable name for results and logs: "uptime-kuma", "sentry", "ops-webhook".</summary>
    string Name { get; }

    /// <summary>The target's host (and port) only: safe to log, unlike the URL, which can hold a token.</summary>
    string TargetHost { get; }

    /// <summary>Whether this outcome is reported here at all (Sentry only hears about failures).</summary>
    bool AppliesTo(JobOutcome outcome);

    /// <summary>One delivery attempt. Throws <see cref="HttpRequestException"/> or <see cref="AlertRejectedException"/> on failure.</summary>
    Task SendAsync(JobOutcome outcome, CancellationToken cancellationToken);
}
