namespace LeoPass.Recovery.Backup.Retention;

/// <summary>A backup as retention sees it: when it was taken, whether it counts as verified, and whether a restore proved it.</summary>
public sealed record RetentionCandidate(string Key, DateTimeOffset TakenAt, bool HasManifest, bool FailedVerification, bool RestoreVerified = false);

/// <summary>A backup past the retention window that the store still holds under a retention lock, and until when (null: the store refused without saying).</summary>
public sealed record RetainedBackup(string Key, DateTimeOffset TakenAt, DateTimeOffset? RetainedUntil, string Reason);

/// <summary>What a prune removes and what it keeps on purpose.</summary>
public sealed record RetentionPlan(IReadOnlyList<RetentionCandidate> Delete, RetentionCandidate? KeptNewestVerified, DateTimeOffset Cutoff)
{
    /// <summary>Past the window but kept because the store still locks them (S3 Object Lock, a bucket retention rule); a later prune deletes them.</summary>
    public IReadOnlyList<RetainedBackup> Retained { get; init; } = [];

    /// <summary>The newest backup a restore proved (verify-restore), kept whatever its age: the one backup known to come back.</summary>
    public RetentionCandidate? KeptNewestRestoreVerified { get; init; }
}

/// <summary>
/// Decides what a prune deletes: backups older than the retention window, but never the
/// newest verified backup, never the newest restore-verified one, and never the last one. Pure, so its rules are tested directly.
/// </summary>
public static class RetentionPlanner
{
    public static RetentionPlan Plan(IEnumerable<RetentionCandidate> candidates, DateTimeOffset now, int retentionDays)
    {
        var all = candidates.OrderByDescending(c => c.TakenAt).ToList();
        var cutoff = now - TimeSpan.FromDays(retentionDays);
        var newestVerified = all.FirstOrDefault(c => c.HasManifest && !c.FailedVerification);
        var newestRestoreVerified = all.FirstOrDefault(c => c.HasManifest && c.RestoreVerified);
        var delete = all
            .Where(c => c.TakenAt < cutoff)
            .Where(c => c.Key != newestVerified?.Key && c.Key != newestRestoreVerified?.Key)
            .ToList();
        // With no verified backup at all, keep the newest thing there is rather than nothing.
        if (delete.Count == all.Count && all.Count > 0)
        {
            delete.Remove(all[0]);
        }
        return new RetentionPlan(delete, newestVerified, cutoff) { KeptNewestRestoreVerified = newestRestoreVerified };
    }
}
