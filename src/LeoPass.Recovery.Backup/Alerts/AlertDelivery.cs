namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// What happened to one alert: delivered or not, after how many attempts, and why not.
/// The dispatcher returns these instead of throwing, so a dead alert target is a line in the
/// run's report, never a failed backup.
/// </summary>
/// <param name="Channel">The channel's name: "uptime-kuma", "sentry" or "ops-webhook".</param>
/// <param name="Error">Redacted reason of the last failed attempt; null when delivered.</param>
public sealed record AlertDelivery(string Channel, bool Delivered, int Attempts, string? Error, TimeSpan Elapsed);
