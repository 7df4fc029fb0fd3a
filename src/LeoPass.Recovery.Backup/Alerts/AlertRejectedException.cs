namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// The target answered and refused the alert for a reason retrying cannot fix (a 4xx, a wrong
/// push token, a revoked DSN). The dispatcher does not retry it.
/// </summary>
public sealed class AlertRejectedException : Exception
{
    public AlertRejectedException(string message) : base(message) { }

    public AlertRejectedException() { }

    public AlertRejectedException(string message, Exception innerException) : base(message, innerException) { }
}
