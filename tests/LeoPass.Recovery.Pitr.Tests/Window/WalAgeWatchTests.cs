using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Runbook.Watchdog;

namespace LeoPass.Recovery.Pitr.Tests.Window;

/// <summary>The WAL watch's levels and what it tells the reader, on windows built by hand.</summary>
public sealed class WalAgeWatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
    private static readonly PitrSettings Streaming = new() { StreamEnabled = true, RpoTarget = TimeSpan.FromMinutes(5) };

    [Fact]
    public void Without_a_stream_anywhere_it_stays_ok_and_says_the_nightly_backup_is_the_RPO()
    {
        var reading = WalAgeWatch.Judge(Window(null, stream: null, segments: 0), new PitrSettings(), Now, Now.AddDays(-3));
        Assert.Equal(WatchLevel.Ok, reading.Level);
        Assert.Contains("WAL is not streamed", reading.Headline, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, WatchLevel.Ok)]
    [InlineData(239, WatchLevel.Ok)]
    [InlineData(240, WatchLevel.Warning)]
    [InlineData(299, WatchLevel.Warning)]
    [InlineData(300, WatchLevel.Breach)]
    public void The_newest_shipped_WALs_age_warns_at_80_percent_of_the_target_and_breaches_at_it(int ageSeconds, WatchLevel expected)
    {
        var reading = WalAgeWatch.Judge(Window(TimeSpan.FromSeconds(ageSeconds), Stream(heartbeatAgo: TimeSpan.FromSeconds(5))), Streaming, Now, Now.AddHours(-1));
        Assert.Equal(expected, reading.Level);
        Assert.Contains("000000010000000000000042", reading.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_whose_node_stopped_reporting_is_named_as_stopped()
    {
        var reading = WalAgeWatch.Judge(Window(TimeSpan.FromMinutes(12), Stream(heartbeatAgo: TimeSpan.FromMinutes(11))), Streaming, Now, Now.AddHours(-1));
        Assert.Equal(WatchLevel.Breach, reading.Level);
        Assert.Equal(
            "WAL RPO breached: the newest shipped WAL (000000010000000000000042) is 12 min old, past the 5 min WAL_RPO_TARGET: a restore now would lose that much committed work. " +
            "No node is streaming: node-a last reported 11 min ago. Start a `server` with WAL_STREAM=1, or find why it stopped.",
            reading.Headline);
    }

    [Fact]
    public void A_stream_that_cannot_ship_is_named_with_its_last_error_and_queue()
    {
        var stream = Stream(heartbeatAgo: TimeSpan.FromSeconds(3));
        stream.LastError = "the artefact store refused the upload";
        stream.QueuedSegments = 7;
        var reading = WalAgeWatch.Judge(Window(TimeSpan.FromMinutes(6), stream), Streaming, Now, Now.AddHours(-1));
        Assert.Equal(WatchLevel.Breach, reading.Level);
        Assert.Contains("node-a streams but cannot ship; its last error: the artefact store refused the upload (7 segment(s) wait in its spool)", reading.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void Streaming_configured_but_nothing_shipped_counts_from_when_the_watch_began()
    {
        var reading = WalAgeWatch.Judge(Window(null, stream: null, segments: 0), Streaming, Now, Now.AddMinutes(-6));
        Assert.Equal(WatchLevel.Breach, reading.Level);
        Assert.Contains("no WAL shipped yet (watching since 2026-12-07 02:54:00Z, 6 min ago)", reading.Headline, StringComparison.Ordinal);
        Assert.Contains("No node has ever streamed", reading.Headline, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_not_longer_than_WAL_MAX_AGE_is_refused_naming_both()
    {
        var error = Assert.Throws<ConfigurationException>(() => RecoverySettings.Load(new EnvironmentReader(new Dictionary<string, string?>
        {
            ["WAL_MAX_AGE"] = "120",
            ["WAL_RPO_TARGET"] = "90s",
        })));
        Assert.Contains("WAL_RPO_TARGET (90 s) must be longer than WAL_MAX_AGE (120 s)", error.Message, StringComparison.Ordinal);
    }

    private static WalStreamState Stream(TimeSpan heartbeatAgo) => new()
    {
        Source = "db:5432/app", Node = "node-a", LeasedAt = Now.AddHours(-2), HeartbeatAt = Now - heartbeatAgo,
    };

    private static RestoreWindow Window(TimeSpan? age, WalStreamState? stream, int segments = 10) => new(
        From: age is null ? null : Now.AddDays(-2), To: age is null ? null : Now - age, NewestShippedAt: age is null ? null : Now - age, NewestShippedAge: age,
        EarliestBaseBackup: age is null ? null : "leopass-base/base-1", NewestSegment: age is null ? null : "000000010000000000000042",
        BaseBackups: 1, Segments: segments, Gaps: [], Stream: stream);
}
