using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Dashboard;
using static LeoPass.Recovery.Console.Tests.RunsFor;

namespace LeoPass.Recovery.Console.Tests;

public sealed class DashboardTests : BunitContext
{
    [Fact]
    public void Drill_rto_chart_draws_each_run_against_the_target_line_green_within_it_red_past_it_newest_first()
    {
        DrillPoint[] drills =
        [
            new(7, "restore-drill", Start, Start.AddMinutes(1), 60, 7200, true),
            new(9, "dr-rehearsal", Start.AddDays(1), Start.AddDays(1).AddSeconds(9000), 9000, 7200, false),
        ];

        var chart = Render<DrillRtoChart>(p => p.Add(c => c.Drills, drills));

        var rows = chart.FindAll(".hbar-row");
        Assert.Equal(["Run 9 · 12-06 04:30", "Run 7 · 12-05 02:01"], rows.Select(r => r.QuerySelector(".hbar-label")!.TextContent));
        // The slowest run sets the scale; the 2 h line sits at 7200 / 9000 of it on every row.
        Assert.All(chart.FindAll(".hbar-target"), line => Assert.Contains("left:80%", line.GetAttribute("style"), StringComparison.Ordinal));
        Assert.Contains("tone-failed", rows[0].QuerySelector(".hbar")!.ClassList);
        Assert.Contains("width:100%", rows[0].QuerySelector(".hbar")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal("2 h 30 min · 125 % of target, missed", rows[0].QuerySelector(".hbar-value")!.TextContent);
        Assert.Contains("tone-succeeded", rows[1].QuerySelector(".hbar")!.ClassList);
        Assert.Equal("1 min 00 s · 0.8 % of target, met", rows[1].QuerySelector(".hbar-value")!.TextContent);
        Assert.Equal("runs/9", rows[0].QuerySelector("a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData(new string[0], "tone-succeeded", "Waiting for a person")]
    [InlineData(new[] { "WaitingForApproval" }, "tone-waiting", "Waiting for a person (1)")]
    [InlineData(new[] { "WaitingForApproval", "Halted" }, "tone-failed", "Waiting for a person (2)")]
    public void Incident_inbox_takes_the_colour_of_the_worst_run_in_it(string[] states, string tone, string title)
    {
        var items = states.Select((state, i) => new AttentionItem(10 + i, "restore-drill", Enum.Parse<RunState>(state), "migrate", null)).ToList();

        var inbox = Render<IncidentInbox>(p => p.Add(c => c.Items, items));

        Assert.Contains(tone, inbox.Find("section.badge").ClassList);
        Assert.Equal(title, inbox.Find("h2").TextContent);
        Assert.Equal(states.Length, inbox.FindAll("li.inbox-item").Count);
    }

    [Fact]
    public void Last_drill_chart_counts_each_second_once_a_halt_at_a_step_is_its_own_row_not_that_steps_work()
    {
        // Step 5 worked 2 s over two attempts, and the run sat halted at it for 30 s in between.
        var breakdown = new DrillBreakdown(12, "restore-drill", 40, 7200,
            [new("restore", "4. pg_restore into the target", 6), new("migrate", "5. Run migrations", 2)],
            WaitingSeconds: 0, HaltedSeconds: 30, LostSeconds: 0, OverheadSeconds: 2);

        var chart = Render<StepShareChart>(p => p.Add(c => c.Breakdown, breakdown));

        var rows = chart.FindAll(".hbar-row").ToDictionary(r => r.QuerySelector(".hbar-label")!.TextContent, r => r.QuerySelector(".hbar-value")!.TextContent);
        Assert.Equal(["4. pg_restore into the target", "5. Run migrations", "Halted, waiting for a responder", "Engine overhead between steps"], rows.Keys);
        Assert.Equal("2.0 s · 5 %", rows["5. Run migrations"]);
        Assert.Equal("30.0 s · 75 %", rows["Halted, waiting for a responder"]);
    }

    [Fact]
    public void Drill_rto_chart_of_a_fresh_installation_says_there_is_no_drill_yet_instead_of_failing()
    {
        var chart = Render<DrillRtoChart>(p => p.Add(c => c.Drills, Array.Empty<DrillPoint>()));

        Assert.Equal("No successful drill in this period.", chart.Find("p.quiet").TextContent);
        Assert.Empty(chart.FindAll(".hbar-row"));
    }
}
