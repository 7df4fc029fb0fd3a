using LeoPass.Recovery.Console.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Console.Tests;

public sealed class RpoRuleTests : BunitContext
{
    private static readonly TimeSpan Rpo = TimeSpan.FromHours(24);

    [Theory]
    [InlineData(0, RpoLevel.Safe)]
    [InlineData(19 * 3600 + 11 * 60 + 59, RpoLevel.Safe)]      // just under 80 % (19 h 12 min)
    [InlineData(19 * 3600 + 12 * 60, RpoLevel.AtRisk)]         // exactly 80 %
    [InlineData(23 * 3600, RpoLevel.AtRisk)]
    [InlineData(24 * 3600, RpoLevel.AtRisk)]                   // exactly 100 %: still within the promise
    [InlineData(24 * 3600 + 1, RpoLevel.Breached)]             // past 100 %
    [InlineData(3 * 24 * 3600, RpoLevel.Breached)]
    public void Backup_age_is_green_below_80_percent_amber_up_to_100_and_red_past_it(int ageSeconds, RpoLevel expected) =>
        Assert.Equal(expected, RpoRule.Classify(TimeSpan.FromSeconds(ageSeconds), Rpo));

    [Fact]
    public void Eighty_percent_is_amber_to_the_tick()
    {
        Assert.Equal(RpoLevel.Safe, RpoRule.Classify(Rpo * 0.8 - TimeSpan.FromTicks(1), Rpo));
        Assert.Equal(RpoLevel.AtRisk, RpoRule.Classify(Rpo * 0.8, Rpo));
        Assert.Equal(RpoLevel.Breached, RpoRule.Classify(Rpo + TimeSpan.FromTicks(1), Rpo));
    }

    [Fact]
    public void No_verified_backup_is_red() => Assert.Equal(RpoLevel.Breached, RpoRule.Classify(null, Rpo));

    [Theory]
    [InlineData(2, "tone-succeeded", "Within the RPO")]
    [InlineData(20, "tone-waiting", "RPO at risk")]
    [InlineData(30, "tone-failed", "RPO breached")]
    public void Badge_shows_the_level_in_colour_and_words(int ageHours, string toneClass, string verdict)
    {
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(RunsFor.Start));
        var badge = Render<RpoBadge>(p => p.Add(b => b.Age, TimeSpan.FromHours(ageHours)).Add(b => b.Target, Rpo).Add(b => b.Key, "leopass-2026-12-05T020000Z.dump.zst.pgp"));

        var card = badge.Find("section.badge");
        Assert.Contains(toneClass, card.ClassList);
        Assert.Equal(verdict, badge.Find(".verdict").TextContent);
        Assert.Contains($"{ageHours} h old", badge.Find(".figure").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Badge_without_a_backup_says_so_in_red()
    {
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(RunsFor.Start));
        var badge = Render<RpoBadge>(p => p.Add(b => b.Age, null).Add(b => b.Target, Rpo));
        Assert.Contains("tone-failed", badge.Find("section.badge").ClassList);
        Assert.Equal("No verified backup", badge.Find(".verdict").TextContent);
    }
}
