namespace LeoPass.Recovery.Backup.Watchdog;

/// <summary>
/// What one watch of the cluster last found and last told people, one row per watch (e.g.
/// <c>rpo:leopass</c>). Kept in the database so a restarted node, or another node, carries on
/// from it: an alert is sent when <see cref="State"/> differs from <see cref="NotifiedState"/>,
/// and only then.
/// </summary>
public sealed class WatchRecord
{
    public required string Watch { get; set; }
    /// <summary>When this watch first looked: with no recovery point at all, its age counts from here.</summary>
    public required DateTimeOffset WatchingSince { get; set; }
    /// <summary>ok, warning or breach.</summary>
    public required string State { get; set; }
    public required DateTimeOffset StateSince { get; set; }
    /// <summary>The state people were last told about (null: none yet; ok is never announced unless it ends a warning or breach).</summary>
    public string? NotifiedState { get; set; }
    public DateTimeOffset? NotifiedAt { get; set; }
    /// <summary>The last check: when, by which node, what it saw.</summary>
    public DateTimeOffset? CheckedAt { get; set; }
    public string? CheckedBy { get; set; }
    public string? Detail { get; set; }
}
