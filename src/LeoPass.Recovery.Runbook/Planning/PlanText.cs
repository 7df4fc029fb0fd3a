using LeoPass.Recovery.Engine.Execution;

namespace LeoPass.Recovery.Runbook.Planning;

/// <summary>How the runbook's plans (<see cref="Engine.Activities.IActivityPlanner"/>) write sizes, times and the run id a dry run does not have.</summary>
internal static class PlanText
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string Age(TimeSpan age) => age.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0.#} h")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, age.TotalMinutes):0} min");

    /// <summary>The run id in a plan: a dry run has none yet.</summary>
    public static string RunId(long runId) => runId == DryRun.NoRun ? "<run id>" : runId.ToString(CultureInfo.InvariantCulture);
}
