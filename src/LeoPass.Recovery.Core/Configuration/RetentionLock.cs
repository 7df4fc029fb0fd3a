namespace LeoPass.Recovery.Core.Configuration;

/// <summary>The two S3 Object Lock retention modes (BACKUP_OBJECT_LOCK).</summary>
public enum RetentionLockMode
{
    /// <summary>Nobody can delete or overwrite the object before its retain-until date, except a user holding s3:BypassGovernanceRetention.</summary>
    Governance,
    /// <summary>Nobody can delete or overwrite the object before its retain-until date, not even the account's root user.</summary>
    Compliance,
}

/// <summary>A retention lock put on every object written: <paramref name="Mode"/> for <paramref name="Days"/> days from the write (BACKUP_RETENTION_DAYS).</summary>
public sealed record RetentionLock(RetentionLockMode Mode, int Days)
{
    public TimeSpan Duration => TimeSpan.FromDays(Days);

    public string ModeName => Mode == RetentionLockMode.Compliance ? "compliance" : "governance";
}
