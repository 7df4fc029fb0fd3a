using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// How one finished job went: everything any alert channel needs, and nothing it has to
/// look up. Texts are expected redacted already; the channels redact again anyway.
/// </summary>
public sealed record JobOutcome
{
    /// <summary>Identifies this outcome; alert targets use it to drop a retried duplicate (Sentry's event_id).</summary>
    public Guid Id { get; init; } = Guid.NewGuid();

    /// <summary>The job, e.g. "nightly-backup"; also the Sentry tag and the webhook's <c>job</c>.</summary>
    public required string JobName { get; init; }

    public required bool Succeeded { get; init; }

    /// <summary>
    /// News that is neither a plain success nor a failure: a warning (Succeeded, not yet a failure:
    /// the Ops webhook hears it, Kuma's up/down and Sentry do not) or a recovery from an alert
    /// (Succeeded: Kuma up, and the Ops webhook that heard the alert).
    /// </summary>
    public OutcomeNotice Notice { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>When the job finished (the webhook's <c>occurred_at</c>, Sentry's timestamp).</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>One line for humans: "leopass-2026-11-27T020000Z.dump.zst.pgp, 412 MB, verified".</summary>
    public required string Summary { get; init; }

    /// <summary>The redacted error message when the job failed; null on success.</summary>
    public string? Error { get; init; }

    /// <summary>The failing exception's type (e.g. "Amazon.S3.AmazonS3Exception"); Sentry groups by it.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The stage that failed ("upload"); when unset, the last breadcrumb's stage stands in.</summary>
    public string? FailedStage { get; init; }

    /// <summary>Small facts worth seeing in an alert: key, size, sha256, etag check.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<StageBreadcrumb> Breadcrumbs { get; init; } = [];

    /// <summary>
    /// The run's page in the responder console (LEOPASS_PUBLIC_URL/runs/{id}), when the public URL
    /// is set: every channel carries it, so the alert is one click from the failed step's retry.
    /// </summary>
    public Uri? Link { get; init; }

    /// <summary>The stage to blame: the recorded failed stage, else where the pipeline last was.</summary>
    public string? StageThatFailed =>
        Succeeded ? null : FailedStage ?? (Breadcrumbs.Count > 0 ? Breadcrumbs[^1].Stage : null);

    /// <summary>A successful outcome, timed by the trail's clock.</summary>
    public static JobOutcome Success(string jobName, BreadcrumbTrail trail, string summary, IReadOnlyDictionary<string, string>? details = null) => new()
    {
        JobName = jobName,
        Succeeded = true,
        Duration = trail.Elapsed,
        FinishedAt = trail.Now,
        Summary = summary,
        Details = details ?? new Dictionary<string, string>(),
        Breadcrumbs = trail.Snapshot(),
    };

    /// <summary>A failed outcome; the exception's message is redacted here, before it travels anywhere.</summary>
    public static JobOutcome Failure(string jobName, BreadcrumbTrail trail, string summary, Exception error, SecretRedactor redactor, IReadOnlyDictionary<string, string>? details = null) => new()
    {
        JobName = jobName,
        Succeeded = false,
        Duration = trail.Elapsed,
        FinishedAt = trail.Now,
        Summary = redactor.Redact(summary),
        Error = redactor.Redact(error.Message),
        ErrorType = error.GetType().FullName,
        FailedStage = trail.FailedStage ?? trail.CurrentStage,
        Details = details ?? new Dictionary<string, string>(),
        Breadcrumbs = trail.Snapshot(),
    };
}

/// <summary>What kind of news an outcome is besides its success or failure (<see cref="JobOutcome.Notice"/>).</summary>
public enum OutcomeNotice
{
    None,
    /// <summary>Not failed yet, but heading there (a backup at 80 % of the RPO, a dump far slower than usual).</summary>
    Warning,
    /// <summary>What was alerted is over (a backup landed after an RPO breach).</summary>
    Recovered,
}
