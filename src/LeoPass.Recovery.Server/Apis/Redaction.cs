using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Errors;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>
/// Free text in runs (errors, outputs, reasons) comes from activities and people; it is masked
/// on the way out in case a library echoed a secret into it.
/// </summary>
internal static class Redaction
{
    public static RunView Redacted(this RunView run) => run with
    {
        HaltReason = Mask(run.HaltReason),
        Steps = run.Steps.Select(s => s with { Error = Mask(s.Error), SkipReason = Mask(s.SkipReason), Output = Mask(s.Output) }).ToList(),
    };

    public static AttemptView Redacted(this AttemptView attempt) => attempt with
    {
        Error = Mask(attempt.Error),
        Output = Mask(attempt.Output),
        Intents = attempt.Intents.Select(ApiRedactor.Redact).ToList(),
    };

    public static AuditView Redacted(this AuditView audit) => audit with { Reason = Mask(audit.Reason), Details = Mask(audit.Details) };

    public static RunReport Redacted(this RunReport report) => report with
    {
        HaltReason = Mask(report.HaltReason),
        Steps = report.Steps.Select(s => s with { Note = Mask(s.Note), Attempts = s.Attempts.Select(a => a with { Error = Mask(a.Error) }).ToList() }).ToList(),
        OperatorNotes = report.OperatorNotes.Select(ApiRedactor.Redact).ToList(),
        FollowUps = report.FollowUps.Select(ApiRedactor.Redact).ToList(),
    };

    private static string? Mask(string? text) => text is null ? null : ApiRedactor.Redact(text);
}
