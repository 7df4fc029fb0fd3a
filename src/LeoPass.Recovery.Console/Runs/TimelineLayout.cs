using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Shared;

namespace LeoPass.Recovery.Console.Runs;

public enum BarKind
{
    /// <summary>An attempt executing: coloured by its outcome.</summary>
    Work,
    /// <summary>Time at an approval gate: a person, not the machine; drawn apart (hatched amber).</summary>
    Waiting,
}

/// <param name="Left">Start on the axis, percent (0–100).</param>
/// <param name="Width">Length on the axis, percent; at least <see cref="TimelineLayout.MinWidth"/> so a short attempt stays visible.</param>
public sealed record TimelineBar(BarKind Kind, Tone Tone, double Left, double Width, string Label);

public sealed record TimelineRow(Step Step, IReadOnlyList<TimelineBar> Bars);

public sealed record TimelineTick(double At, string Label);

/// <summary>
/// The run's steps as a Gantt chart against the RTO budget: one row per step, one bar per attempt
/// (coloured by outcome), gate waiting drawn as separate bars, and the budget as a line. The axis
/// spans the run's elapsed time, or the whole budget once a quarter of it is used: a ten-second
/// drill stays readable instead of a sliver at the left of a two-hour axis, and a long restore shows
/// how close it runs to the line.
/// </summary>
public sealed record TimelineLayout(TimeSpan Axis, TimeSpan Elapsed, TimeSpan Budget, double? BudgetAt, IReadOnlyList<TimelineRow> Rows, IReadOnlyList<TimelineTick> Ticks)
{
    public const double MinWidth = 0.4;

    /// <summary>Past this share of the budget, the axis is the whole budget and the line is drawn.</summary>
    public const double FullBudgetFrom = 0.25;

    private static readonly double[] TickFractions = [0, 0.25, 0.5, 0.75, 1];

    public double BudgetUsed => Budget > TimeSpan.Zero ? Elapsed / Budget : 0;

    public static TimelineLayout Build(Run run, IReadOnlyList<Attempt> journal, TimeSpan budget, DateTimeOffset now)
    {
        var start = run.StartedAt ?? run.CreatedAt;
        var elapsed = Max((run.EndedAt ?? (run.StartedAt is null ? start : now)) - start, TimeSpan.Zero);
        var axis = budget > TimeSpan.Zero && elapsed >= budget * FullBudgetFrom ? Max(elapsed, budget) : elapsed;
        if (axis <= TimeSpan.Zero) axis = TimeSpan.FromSeconds(1);
        double? budgetAt = budget > TimeSpan.Zero && budget <= axis ? Percent(budget, axis) : null;

        var rows = new List<TimelineRow>();
        var previousEnd = start;
        foreach (var step in run.Steps.OrderBy(s => s.Position))
        {
            var attempts = journal.Where(a => a.StepId == step.StepId).OrderBy(a => a.Number).ToList();
            var bars = new List<TimelineBar>();
            var attributed = attempts.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.WaitingTime);
            var before = step.WaitingTime - attributed;
            if (before > TimeSpan.Zero && attempts.Count > 0)
            {
                bars.Add(Bar(BarKind.Waiting, Tone.Waiting, attempts[0].StartedAt - before, attempts[0].StartedAt, start, axis,
                    $"waited {TimeFormat.Duration(before)} for approval before the step"));
            }
            foreach (var attempt in attempts)
            {
                var end = attempt.EndedAt ?? now;
                bars.Add(Bar(BarKind.Work, Tones.OfOutcome(attempt.Outcome), attempt.StartedAt, end, start, axis,
                    $"attempt {attempt.Number} on {attempt.Node}: {Tones.Words(attempt.Outcome).ToLowerInvariant()}, {TimeFormat.Duration(end - attempt.StartedAt)}"));
                if (attempt.WaitingTime > TimeSpan.Zero)
                {
                    bars.Add(Bar(BarKind.Waiting, Tone.Waiting, end, end + attempt.WaitingTime, start, axis,
                        $"waited {TimeFormat.Duration(attempt.WaitingTime)} for approval after attempt {attempt.Number}"));
                }
            }
            if (step.State == StepState.WaitingForApproval)
            {
                // Still waiting: from where the step's work stopped (or the run reached it) until now.
                var since = step.WaitingAtGate == "after" && attempts.Count > 0
                    ? (attempts[^1].EndedAt ?? now) + attempts[^1].WaitingTime
                    : previousEnd;
                bars.Add(Bar(BarKind.Waiting, Tone.Waiting, since, now, start, axis, $"waiting for approval {step.WaitingAtGate} the step since {TimeFormat.Duration(now - since)}"));
            }
            foreach (var attempt in attempts) previousEnd = Max(previousEnd, (attempt.EndedAt ?? now) + attempt.WaitingTime);
            rows.Add(new TimelineRow(step, bars));
        }

        // Seconds with a decimal on a short axis ("0.5 s"), rounder units on a long one ("1 h 30 min").
        var coarse = axis >= TimeSpan.FromMinutes(2);
        var ticks = TickFractions.Select(f => new TimelineTick(f * 100, TimeFormat.Duration(axis * f, coarse))).ToList();
        return new TimelineLayout(axis, elapsed, budget, budgetAt, rows, ticks);
    }

    /// <summary>"12.5" — for inline styles, whatever the culture.</summary>
    public static string Css(double percent) => CssLength.Percent(percent);

    private static TimelineBar Bar(BarKind kind, Tone tone, DateTimeOffset from, DateTimeOffset to, DateTimeOffset start, TimeSpan axis, string label)
    {
        var left = Math.Clamp(Percent(from - start, axis), 0, 100);
        var width = Math.Max(MinWidth, Percent(Max(to - from, TimeSpan.Zero), axis));
        if (left + width > 100) left = Math.Max(0, 100 - width);
        return new TimelineBar(kind, tone, Math.Round(left, 3), Math.Round(Math.Min(width, 100), 3), label);
    }

    private static double Percent(TimeSpan part, TimeSpan whole) => part / whole * 100;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
