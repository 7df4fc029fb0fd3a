using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Console.Tests;

public sealed class RestoreWindowCardTests : BunitContext
{
    private static readonly DateTimeOffset ReadAt = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);

    private static PointInTimeStatus Window(TimeSpan age, int queued = 0, IReadOnlyList<string>? gaps = null, DateTimeOffset? from = null) =>
        new(from ?? ReadAt.AddDays(-30), ReadAt - age, "restore to any second from …", age, gaps ?? [], "vm:4242", ReadAt, queued, 16L << 20, null);

    [Fact]
    public void The_card_says_restore_to_any_second_from_to_and_the_live_rpo_growing_while_the_page_is_open()
    {
        var clock = new FakeTimeProvider(ReadAt.AddSeconds(20));
        Services.AddSingleton<TimeProvider>(clock);

        var card = Render<RestoreWindowCard>(p => p.Add(c => c.Window, Window(TimeSpan.FromSeconds(12))).Add(c => c.ReadAt, ReadAt));

        var verdict = System.Text.RegularExpressions.Regex.Replace(card.Find(".verdict").TextContent, @"\s+", " ").Trim();
        Assert.Equal("Restore to any second from 2026-11-07 15:00:00 UTC to 2026-12-07 14:59:48 UTC", verdict);
        // 12 s old when read, 20 s ago: 32 s now.
        Assert.Contains("32.0 s old", card.Find(".figure").TextContent, StringComparison.Ordinal);
        Assert.Contains("tone-succeeded", card.Find("section").ClassList);
        Assert.Contains("Streamed by vm:4242", card.Find(".detail").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, false, "tone-waiting")]
    [InlineData(0, true, "tone-failed")]
    public void Queued_segments_turn_it_amber_and_a_gap_red(int queued, bool gap, string tone)
    {
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(ReadAt));

        var card = Render<RestoreWindowCard>(p => p.Add(c => c.Window, Window(TimeSpan.FromSeconds(5), queued, gap ? ["000000010000000000000007"] : null)).Add(c => c.ReadAt, ReadAt));

        Assert.Contains(tone, card.Find("section").ClassList);
    }
}
