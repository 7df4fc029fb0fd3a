using System.Text.Json;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// The JSON the Ops webhook receives. Keys are snake_case:
/// <c>{ id, job, status, summary, error, failed_stage, duration_ms, host, details, occurred_at, run_url }</c>;
/// <c>status</c> is "succeeded", "failed", "warning" or "recovered"; <c>id</c> lets a receiver drop a retried duplicate;
/// <c>run_url</c> is the run's page in the console (null unless LEOPASS_PUBLIC_URL is set).
/// </summary>
public sealed record OpsWebhookPayload(
    string Id,
    string Job,
    string Status,
    string Summary,
    string? Error,
    string? FailedStage,
    long DurationMs,
    string Host,
    IReadOnlyDictionary<string, string> Details,
    DateTimeOffset OccurredAt,
    string? RunUrl = null)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Detail keys ("sha256", "etag_check") are ours and already snake_case; leave them alone.
        DictionaryKeyPolicy = null,
    };

    public static OpsWebhookPayload From(JobOutcome outcome, string host, SecretRedactor redactor) => new(
        outcome.Id.ToString("N"),
        redactor.Redact(outcome.JobName),
        outcome.Notice switch
        {
            OutcomeNotice.Warning => "warning",
            OutcomeNotice.Recovered => "recovered",
            _ => outcome.Succeeded ? "succeeded" : "failed",
        },
        redactor.Redact(outcome.Summary),
        outcome.Error is null ? null : redactor.Redact(outcome.Error),
        outcome.StageThatFailed is null ? null : redactor.Redact(outcome.StageThatFailed),
        (long)outcome.Duration.TotalMilliseconds,
        redactor.Redact(host),
        outcome.Details.ToDictionary(d => redactor.Redact(d.Key), d => redactor.Redact(d.Value)),
        outcome.FinishedAt.ToUniversalTime(),
        outcome.Link is null ? null : redactor.Redact(outcome.Link.AbsoluteUri));

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
