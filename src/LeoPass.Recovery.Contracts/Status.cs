namespace LeoPass.Recovery.Contracts;

/// <summary>GET /api/status: is the database recoverable right now? The newest verified backup against the RPO, the last drill against the RTO, and what waits for a person.</summary>
/// <param name="RestoreVerified">The newest backup a restore proved (verify-restore); null when none was.</param>
/// <param name="RtoPrediction">How long a restore of the newest verified backup would take, from measured throughput; null before the first download and restore samples.</param>
public sealed record RecoveryStatus(BackupStatus Backup, DrillStatus Drill, IReadOnlyList<AttentionItem> NeedsAttention, bool Healthy,
    RestoreVerifiedStatus? RestoreVerified = null, RtoPredictionStatus? RtoPrediction = null)
{
    /// <summary>Point-in-time recovery: the restore window and the live RPO (the newest shipped WAL's age); null when no WAL was ever shipped.</summary>
    public PointInTimeStatus? PointInTime { get; init; }
}

/// <summary>The newest restore-verified backup: which, when its snapshot was taken, when and by which run it was proven, what was compared.</summary>
public sealed record RestoreVerifiedStatus(string Key, DateTimeOffset SnapshotStartedAt, TimeSpan Age, DateTimeOffset VerifiedAt, long? RunId, string? Summary);

/// <summary>
/// The predicted RTO: <see cref="Predicted"/> = <see cref="Fixed"/> + <see cref="Download"/> + <see cref="Restore"/>,
/// each transfer being today's size over measured throughput. <see cref="AtRisk"/> from 80 % of the target.
/// </summary>
public sealed record RtoPredictionStatus(TimeSpan Predicted, TimeSpan Target, bool AtRisk, bool OverTarget, TimeSpan Download, TimeSpan Restore, TimeSpan Fixed,
    string FixedBasis, double DownloadBytesPerSecond, double RestoreBytesPerSecond, int DownloadSamples, int RestoreSamples, string BackupKey, long StoredBytes, long DumpBytes);

/// <param name="Description">"restore to any second from … to …", or why there is no window.</param>
/// <param name="NewestShippedAge">The live RPO: how long ago the newest shipped WAL was complete (or the source last had nothing unshipped).</param>
/// <param name="StreamNode">The node holding the WAL stream's lease at its last heartbeat.</param>
public sealed record PointInTimeStatus(
    DateTimeOffset? From, DateTimeOffset? To, string Description, TimeSpan? NewestShippedAge, IReadOnlyList<string> Gaps,
    string? StreamNode, DateTimeOffset? StreamHeartbeatAt, int QueuedSegments, long? SlotRetainedBytes, string? LastError);

/// <param name="WithinRpo">False when the newest verified backup is older than the RPO — the next restore would lose more than a day.</param>
public sealed record BackupStatus(string? Key, DateTimeOffset? SnapshotStartedAt, TimeSpan? Age, TimeSpan RpoTarget, bool WithinRpo);

/// <param name="WithinRto">Null when no drill succeeded yet.</param>
public sealed record DrillStatus(long? RunId, string? Definition, DateTimeOffset? EndedAt, TimeSpan? Rto, TimeSpan RtoTarget, bool? WithinRto);

/// <summary>A run halted or waiting at a gate: the incident inbox.</summary>
public sealed record AttentionItem(long RunId, string Definition, RunState State, string? Step, string? Reason);

/// <summary>GET /api/status/schedule: a definition with a cron trigger and when it fires next.</summary>
/// <param name="NextRunAt">When the cluster's pending trigger fires next (UTC); null when the definition has no pending trigger.</param>
public sealed record ScheduledDefinition(string Definition, string Title, string? Cron, string? TimeZone, DateTimeOffset? NextRunAt);

/// <summary>GET /api/status/history?days=N: the last days of backups and drills, what the dashboard's charts draw.</summary>
public sealed record StatusHistory(int Days, DateTimeOffset Since, IReadOnlyList<BackupPoint> Backups, IReadOnlyList<DrillPoint> Drills, DrillBreakdown? LastDrill);

/// <param name="DurationSeconds">Snapshot end minus snapshot start: how long pg_dump held its snapshot.</param>
public sealed record BackupPoint(string Key, DateTimeOffset SnapshotStartedAt, long StoredBytes, long DumpBytes, double DurationSeconds);

/// <summary>A successful restore run (drill, rehearsal or incident restore) and its RTO against its target.</summary>
public sealed record DrillPoint(long RunId, string Definition, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, double? RtoSeconds, double RtoTargetSeconds, bool? RtoMet);

/// <summary>
/// Where the last drill's RTO went, each second counted once: the work of each step counting toward
/// it, then the run's waiting for a person at gates, halted time, time lost to interrupted nodes and
/// engine overhead. The parts add up to the RTO (the run report's breakdown).
/// </summary>
public sealed record DrillBreakdown(long RunId, string Definition, double? RtoSeconds, double RtoTargetSeconds,
    IReadOnlyList<StepShare> Steps, double WaitingSeconds, double HaltedSeconds, double LostSeconds, double OverheadSeconds);

/// <param name="WorkSeconds">The step's attempts that ran to an end; waiting and halted time are not in it.</param>
public sealed record StepShare(string Id, string Title, double WorkSeconds);
