using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// On an executing node, at start and then every <see cref="Interval"/>: starts the follower runs
/// (trigger type after) that the node completing their leader could not start before it stopped
/// (<see cref="FollowerRuns.CatchUpAsync"/>).
/// </summary>
public sealed class FollowerCatchUp(FollowerRuns followers, TimeProvider time, ILogger<FollowerCatchUp> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodic.RunAsync(followers.CatchUpAsync, () => Interval, time, logger, "follower catch-up", stoppingToken);
}
