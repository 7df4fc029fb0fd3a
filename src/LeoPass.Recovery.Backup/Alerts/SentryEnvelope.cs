using System.Globalization;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// Writes a failed outcome as a Sentry envelope holding one error event: envelope header line,
/// item header line, event JSON. Every text in it goes through the redactor.
/// </summary>
public static class SentryEnvelope
{
    public const string ContentType = "application/x-sentry-envelope";
    public const string Logger = "leopass-recovery.alerts";

    public static string Build(JobOutcome outcome, string host, SecretRedactor redactor, DateTimeOffset sentAt)
    {
        var eventId = outcome.Id.ToString("N");
        var payload = Event(outcome, host, redactor, eventId).ToJsonString();
        // The header may carry the DSN; it is optional and holds the key, so it is left out.
        var header = new JsonObject { ["event_id"] = eventId, ["sent_at"] = Timestamp(sentAt) };
        var item = new JsonObject
        {
            ["type"] = "event",
            ["content_type"] = "application/json",
            ["length"] = Encoding.UTF8.GetByteCount(payload),
        };
        return $"{header.ToJsonString()}\n{item.ToJsonString()}\n{payload}\n";
    }

    public static JsonObject Event(JobOutcome outcome, string host, SecretRedactor redactor, string eventId)
    {
        string R(string? text) => redactor.Redact(text);
        var stage = outcome.StageThatFailed ?? "unknown";
        var error = R(outcome.Error ?? outcome.Summary);
        var extra = new JsonObject();
        foreach (var (key, value) in outcome.Details) extra[R(key)] = R(value);
        extra["duration_ms"] = (long)outcome.Duration.TotalMilliseconds;
        extra["summary"] = R(outcome.Summary);
        if (outcome.Link is { } link) extra["run_url"] = R(link.AbsoluteUri);

        return new JsonObject
        {
            ["event_id"] = eventId,
            ["timestamp"] = Timestamp(outcome.FinishedAt),
            ["platform"] = "csharp",
            ["level"] = "error",
            ["logger"] = Logger,
            ["server_name"] = R(host),
            ["message"] = new JsonObject { ["formatted"] = R($"{outcome.JobName} failed at {stage}: {AlertText.OneLine(error, 500)}{(outcome.Link is { } page ? $" — {page.AbsoluteUri}" : "")}") },
            ["exception"] = new JsonObject
            {
                ["values"] = new JsonArray(new JsonObject
                {
                    ["type"] = outcome.ErrorType ?? "JobFailure",
                    ["value"] = error,
                }),
            },
            ["tags"] = new JsonObject
            {
                ["job"] = R(outcome.JobName),
                ["stage"] = R(stage),
                ["host"] = R(host),
            },
            // Group by where it broke, not by the message: messages carry dates and keys that
            // would open a new issue every night for the same broken upload.
            ["fingerprint"] = new JsonArray(R(outcome.JobName), R(stage), outcome.ErrorType ?? "JobFailure"),
            ["extra"] = extra,
            ["breadcrumbs"] = new JsonObject { ["values"] = Breadcrumbs(outcome.Breadcrumbs, redactor) },
            ["sdk"] = new JsonObject { ["name"] = Logger, ["version"] = "1.0.0" },
        };
    }

    private static JsonArray Breadcrumbs(IReadOnlyList<StageBreadcrumb> crumbs, SecretRedactor redactor)
    {
        var values = new JsonArray();
        foreach (var crumb in crumbs)
        {
            var value = new JsonObject
            {
                ["timestamp"] = Timestamp(crumb.Timestamp),
                ["type"] = crumb.Level == StageBreadcrumbLevel.Error ? "error" : "default",
                ["category"] = redactor.Redact(crumb.Stage),
                ["message"] = redactor.Redact(crumb.Message),
                ["level"] = crumb.Level.ToString().ToLowerInvariant(),
            };
            if (crumb.Data is { Count: > 0 })
            {
                var data = new JsonObject();
                foreach (var (key, text) in crumb.Data) data[redactor.Redact(key)] = redactor.Redact(text);
                value["data"] = data;
            }
            values.Add(value);
        }
        return values;
    }

    private static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
