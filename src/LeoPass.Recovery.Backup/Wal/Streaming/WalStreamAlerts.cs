using System.Globalization;
using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Wal.Streaming;

/// <summary>
/// The stream's alarms, each raised once per episode (not once per poll) to the Ops webhook and
/// Sentry — not to Uptime Kuma, whose push monitor is the nightly backup's heartbeat — and logged
/// as errors. An episode ends when its condition clears; the next one alerts again.
/// </summary>
public sealed class WalStreamAlerts(AlertDispatcher dispatcher, SecretRedactor redactor, TimeProvider clock, ILogger<WalStreamAlerts> logger)
{
    public const string JobName = "wal-stream";

    private readonly HashSet<string> _raised = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Raises <paramref name="condition"/> unless it is already raised; the alert says <paramref name="summary"/>.</summary>
    public async Task RaiseAsync(string condition, string summary, Exception cause, IReadOnlyDictionary<string, string>? details = null)
    {
        lock (_gate)
        {
            if (!_raised.Add(condition)) return;
        }
        logger.LogError("WAL stream: {Summary}: {Error}", summary, cause.Message);
        var trail = new BreadcrumbTrail(clock);
        trail.Fail(condition, summary);
        var outcome = JobOutcome.Failure(JobName, trail, summary, cause, redactor, details);
        var channels = dispatcher.Channels.Where(c => c is not UptimeKumaPushChannel).ToList();
        if (channels.Count == 0) return;
        await new AlertDispatcher(channels, logger, clock, redactor).DispatchAsync(outcome);
    }

    /// <summary>Ends <paramref name="condition"/>'s episode; logs that it cleared if it was raised.</summary>
    public void Clear(string condition, string message)
    {
        lock (_gate)
        {
            if (!_raised.Remove(condition)) return;
        }
        logger.LogWarning("WAL stream: {Message}", message);
    }

    public bool IsRaised(string condition)
    {
        lock (_gate) return _raised.Contains(condition);
    }

    public static string Describe(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
