namespace LeoPass.Recovery.Core.Targets;

/// <summary>The runbook's promises: lose at most a day of data, be back within two hours.</summary>
public static class RecoveryTargets
{
    public static readonly TimeSpan RecoveryPointObjective = TimeSpan.FromHours(24);
    public static readonly TimeSpan RecoveryTimeObjective = TimeSpan.FromHours(2);
}
