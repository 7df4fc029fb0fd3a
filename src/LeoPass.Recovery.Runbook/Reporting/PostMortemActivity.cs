using System.Net.Http.Json;
using System.Text;
using LeoPass.Recovery.Core.Secrets;
using LeoPass.Recovery.Runbook.Restore;

namespace LeoPass.Recovery.Runbook.Reporting;

/// <summary>
/// Runbook step 9, `runbook.post-mortem`: writes the run's report as a SHIP_NOTES entry
/// (SHIP_NOTES_PATH) and POSTs it to INCIDENT_WEBHOOK_URL. Idempotent: the entry is delimited by
/// markers naming the run, and a repeated attempt replaces its own entry instead of adding one.
/// Also removes the run's working directory (no plaintext dump outlives the run).
/// </summary>
public sealed class PostMortemActivity(RunReportBuilder reports, RecoverySettings settings, IHttpClientFactory http, DumpFiles dumps)
    : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("runbook.post-mortem",
        "Append the run's report (RPO, RTO against target, steps with attempts and durations, notes, follow-ups) to SHIP_NOTES and post it to the incident tracker.",
    [
        new ActivityParameter("notes", "Operator notes for the entry (run parameter `notes`).", Default: JsonValue.Create("")),
    ])
    {
        Category = "reporting",
    };

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var actions = new List<string>
        {
            $"would write the run's report (RPO, RTO against the target, every step) to {Path.GetFullPath(settings.Runbook.ShipNotesPath)}",
        };
        if (settings.Runbook.IncidentWebhookUrl is { } webhook) actions.Add($"would post the report to the incident tracker at {webhook.Host}");
        actions.Add("would delete the run's working directory (the decrypted dump)");
        return Task.FromResult(new ActivityPlan(actions, new JsonObject { ["shipNotes"] = settings.Runbook.ShipNotesPath }));
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        dumps.DeleteRun(context.RunId);
        var notes = context.Parameters.GetString("notes") ?? "";
        var report = await reports.BuildAsTheRunEndsAsync(context.RunId, notes, cancellationToken);
        var markdown = SecretRedactor.Shared.Redact(RunReportMarkdown.Render(report));
        var path = settings.Runbook.ShipNotesPath;
        await context.RecordIntentAsync($"write the report of run {context.RunId} to {path}{(settings.Runbook.IncidentWebhookUrl is null ? "" : " and post it to INCIDENT_WEBHOOK_URL")}", cancellationToken);
        await AppendEntryAsync(path, context.RunId, markdown, cancellationToken);

        int? webhookStatus = null;
        if (settings.Runbook.IncidentWebhookUrl is { } webhook)
        {
            using var response = await http.CreateClient(RunbookServiceCollectionExtensions.HttpClientName).PostAsJsonAsync(webhook, new
            {
                title = $"{report.DefinitionId} run {report.RunId}: {report.Outcome}",
                runId = report.RunId,
                runUrl = report.RunUrl,
                definition = report.DefinitionId,
                outcome = report.Outcome,
                rpoSeconds = report.RpoSeconds,
                rtoSeconds = report.RtoSeconds,
                rpoMet = report.RpoMet,
                rtoMet = report.RtoMet,
                markdown,
                followUps = report.FollowUps,
            }, cancellationToken);
            webhookStatus = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) throw new ActivityFailedException($"INCIDENT_WEBHOOK_URL answered {webhookStatus} {response.ReasonPhrase}");
        }
        return ActivityResult.Completed(new JsonObject
        {
            ["shipNotes"] = path,
            ["incidentWebhookStatus"] = webhookStatus,
            ["rpoSeconds"] = report.RpoSeconds,
            ["rtoSeconds"] = report.RtoSeconds,
            ["rtoMet"] = report.RtoMet,
            ["rpoMet"] = report.RpoMet,
            ["notes"] = notes.Length > 4000 ? notes[..4000] : notes,
        });
    }

    /// <summary>Appends the entry, or replaces this run's earlier entry; written to a temporary file and renamed.</summary>
    private static async Task AppendEntryAsync(string path, long runId, string entry, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "# SHIP_NOTES\n";
        var begin = text.IndexOf(RunReportMarkdown.BeginMarker(runId), StringComparison.Ordinal);
        var endMarker = RunReportMarkdown.EndMarker(runId);
        var end = begin < 0 ? -1 : text.IndexOf(endMarker, begin, StringComparison.Ordinal);
        if (begin >= 0 && end >= 0)
        {
            text = text[..begin] + entry + text[(end + endMarker.Length)..].TrimStart('\n', '\r');
        }
        else
        {
            text = text.TrimEnd('\n') + "\n\n" + entry;
        }
        var temporary = path + ".leopass-tmp";
        await File.WriteAllTextAsync(temporary, text, new UTF8Encoding(false), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }
}
