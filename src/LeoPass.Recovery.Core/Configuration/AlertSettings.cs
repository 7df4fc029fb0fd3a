namespace LeoPass.Recovery.Core.Configuration;

/// <summary>Where a backup's outcome is reported. Each target is optional.</summary>
public sealed record AlertSettings
{
    public Uri? UptimeKumaPushUrl { get; init; }
    /// <summary>Holds the Sentry project key: a secret, never printed.</summary>
    public Uri? SentryDsn { get; init; }
    public Uri? OpsWebhookUrl { get; init; }

    internal static AlertSettings Read(EnvironmentReader env) => new()
    {
        UptimeKumaPushUrl = env.HttpUrl("UPTIME_KUMA_PUSH_URL", isSecret: true), // the push token is in the path
        SentryDsn = env.HttpUrl("SENTRY_DSN", isSecret: true),
        OpsWebhookUrl = env.HttpUrl("OPS_WEBHOOK_URL", isSecret: true),
    };
}
