namespace LeoPass.Recovery.Core.Configuration;

/// <summary>How the engine nodes sharing RECOVERY_DATABASE_URL notice that one of them died.</summary>
public sealed record ClusterSettings
{
    public const int DefaultCheckinSeconds = 2;

    /// <summary>How often a node checks in (Quartz cluster check-in), LEOPASS_CLUSTER_CHECKIN_INTERVAL in seconds.</summary>
    public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(DefaultCheckinSeconds);

    /// <summary>
    /// How late a check-in may be before the other nodes count the node dead: twice the interval.
    /// Quartz declares a node failed once its last check-in is older than the larger of the
    /// interval and the time since the observer's own last check-in, plus this threshold.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold => CheckinInterval * 2;

    /// <summary>
    /// The longest a dead node's run waits to be taken over, counted from its last check-in: the
    /// survivor notices at its first check-in after interval + threshold (3 intervals), at most
    /// one interval later (4 intervals: 8 s at the default 2 s). A node whose last check-in is
    /// older than this is presumed dead.
    /// </summary>
    public TimeSpan FailoverTime => CheckinInterval * 4;

    public const int DefaultPollSeconds = 5;

    /// <summary>
    /// How often an idle node looks for work nobody told it about, LEOPASS_POLL_INTERVAL in
    /// seconds. Nodes hear of a new run, an approval, a resume or an abort at once through
    /// PostgreSQL LISTEN/NOTIFY; this poll only recovers a notification that was lost (the
    /// listening connection dropped at that moment).
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(DefaultPollSeconds);

    internal static ClusterSettings Read(EnvironmentReader env) => new()
    {
        CheckinInterval = TimeSpan.FromSeconds(env.Integer("LEOPASS_CLUSTER_CHECKIN_INTERVAL", DefaultCheckinSeconds, 1, 60)),
        PollInterval = TimeSpan.FromSeconds(env.Integer("LEOPASS_POLL_INTERVAL", DefaultPollSeconds, 1, 300)),
    };
}
