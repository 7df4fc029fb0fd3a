using LeoPass.Recovery.Backup.Alerts;

namespace LeoPass.Recovery.Backup.Tests.Alerts;

public sealed class BreadcrumbTrailTests
{
    [Fact]
    public void Trail_stamps_breadcrumbs_with_the_injected_clock_in_order()
    {
        var clock = new ManualClock();
        var trail = new BreadcrumbTrail(clock);

        clock.Advance(TimeSpan.FromSeconds(1));
        trail.Add("dump", "pg_dump started");
        clock.Advance(TimeSpan.FromSeconds(2));
        trail.Add("compress", "zstd level 3", data: new Dictionary<string, string> { ["level"] = "3" });

        var crumbs = trail.Snapshot();
        Assert.Equal(["dump", "compress"], crumbs.Select(c => c.Stage));
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromSeconds(2), crumbs[0].Timestamp);
        Assert.Equal(clock.GetUtcNow(), crumbs[1].Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(3), trail.Elapsed);
        Assert.Equal("compress", trail.CurrentStage);
        Assert.Null(trail.FailedStage);
    }

    [Fact]
    public void Trail_names_the_first_failed_stage_not_the_follow_on_errors()
    {
        var trail = new BreadcrumbTrail(new ManualClock());

        trail.Add("upload", "part 1 sent");
        trail.Fail("upload", "part 2: connection reset");
        trail.Fail("manifest", "not written: upload failed");

        Assert.Equal("upload", trail.FailedStage);
        Assert.Equal("manifest", trail.CurrentStage);
    }

    [Fact]
    public void Trail_keeps_only_the_latest_breadcrumbs()
    {
        var trail = new BreadcrumbTrail(new ManualClock());

        for (var i = 0; i < BreadcrumbTrail.Capacity + 20; i++) trail.Add("upload", $"part {i}");

        var crumbs = trail.Snapshot();
        Assert.Equal(BreadcrumbTrail.Capacity, crumbs.Count);
        Assert.Equal("part 20", crumbs[0].Message);
    }

    [Fact]
    public void Failure_outcome_takes_duration_stage_and_error_type_from_the_run()
    {
        var outcome = AlertTestKit.Failure("boom");

        Assert.False(outcome.Succeeded);
        Assert.Equal(TimeSpan.FromMilliseconds(105_400), outcome.Duration);
        Assert.Equal("upload", outcome.StageThatFailed);
        Assert.Equal("System.IO.IOException", outcome.ErrorType);
        Assert.Equal(5, outcome.Breadcrumbs.Count);
    }

    [Fact]
    public void Stage_that_failed_falls_back_to_the_last_breadcrumb()
    {
        var outcome = new JobOutcome
        {
            JobName = "nightly-backup",
            Succeeded = false,
            Duration = TimeSpan.Zero,
            FinishedAt = DateTimeOffset.UnixEpoch,
            Summary = "failed",
            Breadcrumbs = [new StageBreadcrumb(DateTimeOffset.UnixEpoch, "verify", "etag mismatch")],
        };

        Assert.Equal("verify", outcome.StageThatFailed);
        Assert.Null(AlertTestKit.Success().StageThatFailed);
    }
}
