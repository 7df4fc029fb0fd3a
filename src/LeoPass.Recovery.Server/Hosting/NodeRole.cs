using Serilog.Events;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>How a process takes part in the engine cluster.</summary>
public enum NodeRole
{
    /// <summary>Reads state and schedules work; executes nothing (`run status`, `run retry`, `backup list`, …).</summary>
    Client,

    /// <summary>
    /// A node for the life of one command (`backup run`, `run start --wait` with no server up): it
    /// executes the run the command starts or acts on, directly and under the run's lease, and joins
    /// no scheduler (fires no cron, takes no other run, serves no HTTP).
    /// </summary>
    TemporaryNode,

    /// <summary>`server`: executes runs, fires cron definitions, serves the HTTP API and the console, until stopped.</summary>
    Server,
}

/// <summary>What one process needs of the host: its role, whether it publishes workflows/, how much it logs.</summary>
public sealed record NodeOptions(NodeRole Role)
{
    /// <summary>
    /// Read the workflows directory and publish it at start. Only what starts runs or executes
    /// them needs it; reading and steering existing runs works on the versions they pinned.
    /// </summary>
    public bool PublishDefinitions { get; init; } = Role != NodeRole.Client;

    /// <summary>
    /// Null: LEOPASS_LOG_LEVEL, else the role's own — the server narrates at Information, a command
    /// only warns. A command's --verbose asks for Debug.
    /// </summary>
    public LogEventLevel? LogLevel { get; init; }

    public bool ExecutesRuns => Role != NodeRole.Client;

    /// <summary>Only a server is a member of the scheduler cluster; a temporary node executes its command's run directly.</summary>
    public bool RunsScheduler => Role == NodeRole.Server;
}
