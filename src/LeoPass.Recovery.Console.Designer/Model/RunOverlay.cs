namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>What the canvas shows on a step from the definition's recent runs.</summary>
/// <param name="LastState">The step's state in the newest run that reached it.</param>
/// <param name="LastDuration">Its work time there.</param>
/// <param name="Median">The median work time over the runs (at most 10) in which it succeeded.</param>
/// <param name="Running">The step is running now in a run of this definition.</param>
public sealed record StepOverlay(StepState? LastState, TimeSpan? LastDuration, TimeSpan? Median, int Samples, bool Running, long? RunningRun);

/// <summary>
/// The live overlay of an open definition: per step id, the last run's outcome and duration, the
/// median over the last 10 runs, and which step is running right now. Pure: runs in, overlay out.
/// </summary>
public static class RunOverlay
{
    public const int MedianOver = 10;

    /// <param name="runs">Runs of the definition, any order.</param>
    public static IReadOnlyDictionary<string, StepOverlay> Build(IEnumerable<Run> runs)
    {
        var newestFirst = runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(MedianOver).ToList();
        var ids = newestFirst.SelectMany(r => r.Steps.Select(s => s.StepId)).Distinct(StringComparer.Ordinal);
        var overlay = new Dictionary<string, StepOverlay>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var reached = newestFirst.Select(r => (Run: r, Step: r.Steps.FirstOrDefault(s => s.StepId == id)))
                .Where(x => x.Step is { State: not StepState.Pending }).ToList();
            var last = reached.FirstOrDefault();
            var succeeded = reached.Where(x => x.Step!.State == StepState.Succeeded).Select(x => x.Step!.WorkTime).Order().ToList();
            var running = newestFirst.FirstOrDefault(r => r.State is RunState.Running or RunState.WaitingForApproval
                && r.Steps.Any(s => s.StepId == id && s.State is StepState.Running or StepState.WaitingForApproval));
            overlay[id] = new StepOverlay(last.Step?.State, last.Step?.WorkTime, Median(succeeded), succeeded.Count, running is not null, running?.Id);
        }
        return overlay;
    }

    private static TimeSpan? Median(List<TimeSpan> sorted) => sorted.Count switch
    {
        0 => null,
        var n when n % 2 == 1 => sorted[n / 2],
        var n => (sorted[(n / 2) - 1] + sorted[n / 2]) / 2,
    };
}
