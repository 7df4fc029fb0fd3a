namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>Severity of one pipeline breadcrumb; the names match Sentry's breadcrumb levels.</summary>
public enum StageBreadcrumbLevel
{
    Debug,
    Info,
    Warning,
    Error,
}
