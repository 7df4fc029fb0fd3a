namespace LeoPass.Recovery.Engine.Nodes;

/// <summary>How this process takes part in the engine cluster.</summary>
public sealed class EngineOptions
{
    /// <summary>Shared by every node of one installation; Quartz clusters by it.</summary>
    public string SchedulerName { get; set; } = "leopass-recovery";

    /// <summary>Unique per process: it is the Quartz instance id and the node written in the journal.</summary>
    public string NodeId { get; set; } = NewNodeId();

    /// <summary>Where workflows/*.json are read from at start; null reads no files (definitions already published are used).</summary>
    public string? WorkflowsDirectory { get; set; }

    /// <summary>
    /// True: this process is a node that executes runs and fires cron triggers (server, or the
    /// CLI's temporary node). False: it only reads state and schedules work for the nodes.
    /// </summary>
    public bool ExecutesRuns { get; set; } = true;

    /// <summary>
    /// True: this node is a member of the Quartz cluster that executes whatever run is dispatched
    /// (a server): its scheduler runs, checks in, fires cron definitions and listens for run
    /// notifications. False on a command's temporary node, which executes only the runs the command
    /// starts or acts on, directly, under their lease (<see cref="Execution.RunExecutor.ExecuteLeasedAsync"/>),
    /// and so pays for none of that. Only with <see cref="ExecutesRuns"/>.
    /// </summary>
    public bool RunsScheduler { get; set; } = true;

    /// <summary>Concurrent runs per node (Quartz thread pool).</summary>
    public int MaxConcurrentRuns { get; set; } = 10;

    /// <summary>How often a node tells the cluster it is alive (LEOPASS_CLUSTER_CHECKIN_INTERVAL); a dead node's runs are taken over 3–4 times this after its last check-in.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How late a check-in may be before the node is counted dead (twice the interval).</summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long an idle node waits before looking for work scheduled by another process without
    /// being told (LEOPASS_POLL_INTERVAL; Quartz allows no less than 1 s). Work announced through
    /// <see cref="Signals.RunSignals"/> is picked up at once; this poll recovers a lost announcement.
    /// </summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Announce ready and aborted runs to the cluster (NOTIFY). Off only in tests that prove the poll recovers an announcement that never came.</summary>
    public bool SendRunSignals { get; set; } = true;

    /// <summary>How often an executing run checks whether it was aborted from another node.</summary>
    public TimeSpan AbortPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How <c>${NAME}</c> references in definitions (the cron and time zone of a trigger) resolve:
    /// the host's configuration, so BACKUP_CRON set in the environment or appsettings.json applies.
    /// </summary>
    public Func<string, string?> Variables { get; set; } = _ => null;

    /// <summary>Registers diagnostics.* activities (sleep, fail-until, noop) used by tests and the benchmark.</summary>
    public bool EnableDiagnosticActivities { get; set; }

    public static string NewNodeId() => $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
