namespace LeoPass.Recovery.Contracts;

/// <summary>GET /api/status: is the database recoverable right now?</summary>
public sealed record RecoveryStatus(BackupStatus Backup, DrillStatus Drill, IReadOnlyList<AttentionItem> NeedsAttention, bool Healthy,
    RestoreVerifiedStatus? RestoreVerified = null, RtoPredictionStatus? RtoPrediction = null)
{
    /// <summary>Point-in-time recovery's restore window and live RPO; null when no WAL was ever shipped.</summary>
    public PointInTimeStatus? PointInTime { get; init; }
}

/// <summary>The newest backup a restore proved (verify-restore).</summary>
public sealed record RestoreVerifiedStatus(string Key, DateTimeOffset SnapshotStartedAt, TimeSpan Age, DateTimeOffset VerifiedAt, long? RunId, string? Summary);

/// <summary>The predicted RTO of restoring the newest verified backup: fixed + download + restore.</summary>
public sealed record RtoPredictionStatus(TimeSpan Predicted, TimeSpan Target, bool AtRisk, bool OverTarget, TimeSpan Download, TimeSpan Restore, TimeSpan Fixed,
    string FixedBasis, double DownloadBytesPerSecond, double RestoreBytesPerSecond, int DownloadSamples, int RestoreSamples, string BackupKey, long StoredBytes, long DumpBytes);

public sealed record PointInTimeStatus(
    DateTimeOffset? From, DateTimeOffset? To, string Description, TimeSpan? NewestShippedAge, IReadOnlyList<string> Gaps,
    string? StreamNode, DateTimeOffset? StreamHeartbeatAt, int QueuedSegments, long? SlotRetainedBytes, string? LastError);

public sealed record BackupStatus(string? Key, DateTimeOffset? SnapshotStartedAt, TimeSpan? Age, TimeSpan RpoTarget, bool WithinRpo);

public sealed record DrillStatus(long? RunId, string? Definition, DateTimeOffset? EndedAt, TimeSpan? Rto, TimeSpan RtoTarget, bool? WithinRto);

/// <summary>A run halted or waiting at a gate: the incident inbox.</summary>
public sealed record AttentionItem(long RunId, string Definition, RunState State, string? Step, string? Reason);

/// <summary>GET /api/status/schedule.</summary>
public sealed record ScheduledDefinition(string Definition, string Title, string? Cron, string? TimeZone, DateTimeOffset? NextRunAt);

/// <summary>GET /api/status/history?days=N.</summary>
public sealed record StatusHistory(int Days, DateTimeOffset Since, IReadOnlyList<BackupPoint> Backups, IReadOnlyList<DrillPoint> Drills, DrillBreakdown? LastDrill);

public sealed record BackupPoint(string Key, DateTimeOffset SnapshotStartedAt, long StoredBytes, long DumpBytes, double DurationSeconds);

public sealed record DrillPoint(long RunId, string Definition, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, double? RtoSeconds, double RtoTargetSeconds, bool? RtoMet);

public sealed record DrillBreakdown(long RunId, string Definition, double? RtoSeconds, double RtoTargetSeconds,
    IReadOnlyList<StepShare> Steps, double WaitingSeconds, double HaltedSeconds, double LostSeconds, double OverheadSeconds);

public sealed record StepShare(string Id, string Title, double WorkSeconds);
