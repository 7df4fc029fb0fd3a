using LeoPass.Recovery.Backup.Alerts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

/// <summary>Targets, outcomes and a dispatcher wired to one local recording server.</summary>
internal static class AlertTestKit
{
    public const string KumaToken = "kumaPushTok3n";
    public const string SentryKey = "f00dfacecafe4b1d";
    public const string SentryProject = "42";
    public const string Host = "backup-host-1";

    /// <summary>Short delays so retry tests take milliseconds, not seconds.</summary>
    public static readonly AlertOptions FastOptions = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(2),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        TotalBudget = TimeSpan.FromSeconds(10),
        HostName = Host,
    };

    public static string KumaPath => $"/api/push/{KumaToken}";
    public static string SentryPath => $"/api/{SentryProject}/envelope/";
    public const string WebhookPath = "/hooks/ops";

    /// <summary>Settings as Uptime Kuma and Sentry hand them out: the push URL with its placeholder query.</summary>
    public static AlertSettings SettingsFor(int port) => new()
    {
        UptimeKumaPushUrl = new Uri($"http://127.0.0.1:{port}{KumaPath}?status=up&msg=OK&ping="),
        SentryDsn = new Uri($"http://{SentryKey}@127.0.0.1:{port}/{SentryProject}"),
        OpsWebhookUrl = new Uri($"http://127.0.0.1:{port}{WebhookPath}"),
    };

    public static AlertDispatcher Dispatcher(AlertSettings settings, HttpClient http, RecordingLogger? logger = null, SecretRedactor? redactor = null, AlertOptions? options = null) =>
        AlertDispatcher.Create(settings, http, logger ?? new RecordingLogger(), TimeProvider.System, redactor ?? new SecretRedactor(), options ?? FastOptions);

    public static AlertDispatcher Dispatcher(RecordingHttpServer server, HttpClient http, RecordingLogger? logger = null, SecretRedactor? redactor = null, AlertOptions? options = null) =>
        Dispatcher(SettingsFor(server.Port), http, logger, redactor, options);

    /// <summary>A trail through dump, compress and encrypt, 95.4 s long by a fake clock.</summary>
    public static BreadcrumbTrail TrailUpTo(string lastStage, ManualClock? clock = null)
    {
        clock ??= new ManualClock();
        var trail = new BreadcrumbTrail(clock);
        foreach (var stage in new[] { "dump", "compress", "encrypt", "upload", "verify", "manifest" })
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            trail.Add(stage, $"{stage} started");
            if (stage == lastStage) break;
        }
        clock.Advance(TimeSpan.FromMilliseconds(65_400));
        return trail;
    }

    public static JobOutcome Success()
    {
        var trail = TrailUpTo("manifest");
        return JobOutcome.Success("nightly-backup", trail, "leopass-2026-11-27T020000Z.dump.zst.pgp, 412 MB, verified", new Dictionary<string, string>
        {
            ["key"] = "leopass-2026-11-27T020000Z.dump.zst.pgp",
            ["size"] = "432013312",
            ["sha256"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        });
    }

    public static JobOutcome Failure(string error = "upload of part 3 failed: connection reset by peer", SecretRedactor? redactor = null)
    {
        var trail = TrailUpTo("upload");
        trail.Fail("upload", "part 3 failed");
        return JobOutcome.Failure("nightly-backup", trail, "backup failed", new IOException(error), redactor ?? new SecretRedactor(),
            new Dictionary<string, string> { ["key"] = "leopass-2026-11-27T020000Z.dump.zst.pgp" });
    }

    public static HttpClient NewHttpClient() => new();
}
