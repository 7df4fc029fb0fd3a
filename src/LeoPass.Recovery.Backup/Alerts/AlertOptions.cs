namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// How hard alerts try. The defaults bound one dispatch to about 17 s worst case
/// (3 attempts × 5 s + backoff), under the 20 s <see cref="TotalBudget"/> that caps it anyway:
/// an alert must never hold up the next backup step or the process exit.
/// </summary>
public sealed record AlertOptions
{
    /// <summary>Longest wait for one HTTP answer.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after the first attempt, for connection errors, timeouts, 408, 429 and 5xx.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Hard cap on one whole dispatch, all channels together (they run concurrently).</summary>
    public TimeSpan TotalBudget { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Also POST successes to the Ops webhook. Off by default: the webhook usually feeds a
    /// chat channel, where a nightly "all good" trains people to ignore it; Uptime Kuma already
    /// records every success and alerts when one is missing (its push monitor is a dead man's switch).
    /// </summary>
    public bool NotifyOpsWebhookOnSuccess { get; init; }

    /// <summary>The host name put in alerts; defaults to the machine name.</summary>
    public string HostName { get; init; } = Environment.MachineName;

    /// <summary>Longest one-line message sent to Uptime Kuma (it shows it in a narrow column).</summary>
    public int MaxPushMessageLength { get; init; } = 250;
}
