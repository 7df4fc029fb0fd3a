namespace LeoPass.Recovery.Runbook.Watchdog;

/// <summary>The newest point the database can be restored to, and what it is ("backup leopass-…", later "WAL segment …").</summary>
public sealed record RecoveryPoint(DateTimeOffset At, string Description);

/// <summary>
/// Where recovery points come from. The watchdog and the metrics take the newest of every
/// registered source (<c>services.AddSingleton&lt;IRecoveryPointSource, …&gt;()</c>): today the
/// catalogue's newest verified backup; streamed WAL plugs in here to bring the RPO down to minutes.
/// </summary>
public interface IRecoveryPointSource
{
    /// <summary>The newest recovery point this source holds, or null when it holds none.</summary>
    Task<RecoveryPoint?> NewestAsync(CancellationToken cancellationToken);
}
