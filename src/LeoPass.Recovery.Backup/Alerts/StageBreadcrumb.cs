namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// One thing the pipeline did, in order: "dump started", "upload of part 3 failed", …
/// <paramref name="Stage"/> is a short machine name ("dump", "compress", "encrypt", "upload",
/// "verify", "manifest") that alerts group and tag by. (Not "Breadcrumb": the Sentry package
/// adds a global <c>using Sentry;</c> to every project, and its Breadcrumb would clash.)
/// </summary>
public sealed record StageBreadcrumb(
    DateTimeOffset Timestamp,
    string Stage,
    string Message,
    StageBreadcrumbLevel Level = StageBreadcrumbLevel.Info,
    IReadOnlyDictionary<string, string>? Data = null);
