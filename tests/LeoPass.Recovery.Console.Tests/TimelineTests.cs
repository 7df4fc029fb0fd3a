using AngleSharp.Dom;
using LeoPass.Recovery.Console.Runs;
using LeoPass.Recovery.Console.Shared;
using static LeoPass.Recovery.Console.Tests.RunsFor;

namespace LeoPass.Recovery.Console.Tests;

public sealed class TimelineTests : BunitContext
{
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    [Fact]
    public void Each_attempt_is_a_bar_coloured_by_its_outcome()
    {
        var run = Run("Running", null, Step("restore", 0, "Succeeded"), Step("migrate", 1, "Succeeded"), Step("validate", 2, "Running"));
        var journal = new[]
        {
            Attempt("restore", 1, 0, 40, "Succeeded"),
            Attempt("migrate", 1, 40, 50, "Failed"),
            Attempt("migrate", 2, 60, 70, "Succeeded"),
            Attempt("validate", 1, 70, null, "Running"),
        };

        var layout = TimelineLayout.Build(run, journal, TwoHours, Start.AddSeconds(100));

        Assert.Equal(TimeSpan.FromSeconds(100), layout.Axis);
        Assert.Equal([Tone.Succeeded], Work(layout, "restore").Select(b => b.Tone));
        Assert.Equal([Tone.Failed, Tone.Succeeded], Work(layout, "migrate").Select(b => b.Tone));
        Assert.Equal([Tone.Running], Work(layout, "validate").Select(b => b.Tone));
        var retried = Work(layout, "migrate");
        Assert.Equal((40.0, 10.0), (retried[0].Left, retried[0].Width));
        Assert.Equal((60.0, 10.0), (retried[1].Left, retried[1].Width));
        // The running attempt reaches "now", the end of the axis.
        Assert.Equal(100.0, Work(layout, "validate")[0].Left + Work(layout, "validate")[0].Width, 3);
    }

    [Fact]
    public void Gate_waiting_is_drawn_apart_from_the_work_before_and_after_the_step()
    {
        // 20 s waiting before "restore" started (gate before), then 10 s of work; "reopen" worked 10 s and waited 30 s after (gate after).
        var run = Run("Succeeded", 100, Step("restore", 0, "Succeeded", waiting: TimeSpan.FromSeconds(20)), Step("reopen", 1, "Succeeded", waiting: TimeSpan.FromSeconds(30)));
        var journal = new[] { Attempt("restore", 1, 20, 30, "Succeeded"), Attempt("reopen", 1, 40, 50, "Succeeded", waitedSeconds: 30) };

        var layout = TimelineLayout.Build(run, journal, TwoHours, Start.AddSeconds(200));

        var restore = Row(layout, "restore");
        Assert.Equal([BarKind.Waiting, BarKind.Work], restore.Select(b => b.Kind));
        Assert.Equal((0.0, 20.0), (restore[0].Left, restore[0].Width));
        Assert.Equal(Tone.Waiting, restore[0].Tone);
        Assert.Equal((20.0, 10.0), (restore[1].Left, restore[1].Width));

        var reopen = Row(layout, "reopen");
        Assert.Equal([BarKind.Work, BarKind.Waiting], reopen.Select(b => b.Kind));
        Assert.Equal((50.0, 30.0), (reopen[1].Left, reopen[1].Width));
    }

    [Fact]
    public void A_step_still_waiting_at_its_gate_shows_the_wait_growing_until_now()
    {
        var run = Run("WaitingForApproval", null, Step("provision", 0, "Succeeded"), Step("restore", 1, "WaitingForApproval", gate: "before"));
        var layout = TimelineLayout.Build(run, [Attempt("provision", 1, 0, 10, "Succeeded")], TwoHours, Start.AddSeconds(40));

        var waiting = Assert.Single(Row(layout, "restore"));
        Assert.Equal(BarKind.Waiting, waiting.Kind);
        Assert.Equal((25.0, 75.0), (waiting.Left, waiting.Width));
    }

    [Fact]
    public void Budget_line_is_drawn_on_the_axis_once_a_quarter_of_the_budget_is_used()
    {
        var step = Step("restore", 0, "Succeeded");
        var longRun = TimelineLayout.Build(Run("Succeeded", 3 * 3600, step), [Attempt("restore", 1, 0, 3 * 3600, "Succeeded")], TwoHours, Start.AddHours(4));
        Assert.Equal(TimeSpan.FromHours(3), longRun.Axis);
        Assert.Equal(66.667, longRun.BudgetAt!.Value, 3);

        var halfway = TimelineLayout.Build(Run("Running", null, step), [Attempt("restore", 1, 0, null, "Running")], TwoHours, Start.AddHours(1));
        Assert.Equal(TwoHours, halfway.Axis);
        Assert.Equal(100, halfway.BudgetAt);
        Assert.Equal(50.0, Work(halfway, "restore")[0].Width, 3);

        // A ten-second drill is drawn on its own scale; the two-hour line is off it.
        var drill = TimelineLayout.Build(Run("Succeeded", 10, step), [Attempt("restore", 1, 0, 10, "Succeeded")], TwoHours, Start.AddHours(1));
        Assert.Equal(TimeSpan.FromSeconds(10), drill.Axis);
        Assert.Null(drill.BudgetAt);
    }

    [Fact]
    public void Timeline_renders_a_bar_per_attempt_with_its_tone_the_waiting_apart_and_the_budget_line()
    {
        var run = Run("Halted", null, Step("restore", 0, "Succeeded", waiting: TimeSpan.FromMinutes(10)), Step("migrate", 1, "Failed"));
        var journal = new[]
        {
            Attempt("restore", 1, 600, 3000, "Succeeded"),
            Attempt("migrate", 1, 3000, 3100, "Failed"),
            Attempt("migrate", 2, 3200, 3300, "Failed"),
        };
        var layout = TimelineLayout.Build(run, journal, TwoHours, Start.AddSeconds(3600));

        var timeline = Render<RunTimeline>(p => p.Add(t => t.Layout, layout).Add(t => t.RunId, 42));

        var migrate = timeline.Find("[data-step=migrate]");
        Assert.Equal(2, migrate.QuerySelectorAll(".bar-work").Length);
        Assert.All(migrate.QuerySelectorAll(".bar-work"), b => Assert.Contains("tone-failed", b.ClassList));
        var restore = timeline.Find("[data-step=restore]");
        Assert.Single(restore.QuerySelectorAll(".bar-work.tone-succeeded"));
        var waiting = Assert.Single(restore.QuerySelectorAll(".bar-waiting"));
        Assert.Contains("left:0%", Style(waiting), StringComparison.Ordinal);
        Assert.Contains("width:8.333%", Style(waiting), StringComparison.Ordinal);
        // An hour used of two: the axis is the budget, the line at its end, on every row.
        Assert.All(timeline.FindAll(".budget-line"), line => Assert.Contains("left:100%", Style(line), StringComparison.Ordinal));
        Assert.Equal(2, timeline.FindAll(".budget-line").Count);
        Assert.Equal("runs/42/steps/migrate", migrate.QuerySelector("a.gantt-label")!.GetAttribute("href"));
    }

    private static List<TimelineBar> Row(TimelineLayout layout, string stepId) => layout.Rows.Single(r => r.Step.StepId == stepId).Bars.ToList();

    private static List<TimelineBar> Work(TimelineLayout layout, string stepId) => Row(layout, stepId).Where(b => b.Kind == BarKind.Work).ToList();

    private static string Style(IElement element) => element.GetAttribute("style") ?? "";
}
