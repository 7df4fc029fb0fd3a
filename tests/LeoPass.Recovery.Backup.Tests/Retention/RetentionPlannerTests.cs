using LeoPass.Recovery.Backup.Retention;

namespace LeoPass.Recovery.Backup.Tests.Retention;

public class RetentionPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static RetentionCandidate Daily(int daysAgo, bool manifest = true, bool failed = false, bool restoreVerified = false) =>
        new($"leopass-{Now.AddDays(-daysAgo):yyyy-MM-dd}T020000Z.dump.zst.pgp", Now.AddDays(-daysAgo).Date.AddHours(2), manifest, failed, restoreVerified);

    [Fact]
    public void Forty_daily_backups_lose_exactly_those_older_than_thirty_days()
    {
        var backups = Enumerable.Range(0, 40).Select(d => Daily(d)).ToList();
        var plan = RetentionPlanner.Plan(backups, Now, 30);
        var expected = backups.Where(b => b.TakenAt < Now.AddDays(-30)).Select(b => b.Key).Order().ToList();
        Assert.Equal(expected, plan.Delete.Select(d => d.Key).Order().ToList());
        Assert.Equal(10, plan.Delete.Count);
    }

    [Fact]
    public void Only_old_backups_keep_the_newest()
    {
        var backups = new[] { Daily(45), Daily(40), Daily(35) };
        var plan = RetentionPlanner.Plan(backups, Now, 30);
        Assert.Equal([Daily(45).Key, Daily(40).Key], plan.Delete.Select(d => d.Key).Order().ToList());
        Assert.Equal(Daily(35).Key, plan.KeptNewestVerified?.Key);
    }

    [Fact]
    public void Newest_verified_backup_survives_even_when_newer_ones_failed_verification()
    {
        var backups = new[] { Daily(50), Daily(40), Daily(33, failed: true), Daily(31, manifest: false) };
        var plan = RetentionPlanner.Plan(backups, Now, 30);
        Assert.DoesNotContain(plan.Delete, d => d.Key == Daily(40).Key);
        Assert.Equal(Daily(40).Key, plan.KeptNewestVerified?.Key);
        Assert.Equal(3, plan.Delete.Count);
    }

    [Fact]
    public void Newest_restore_verified_backup_survives_past_the_window_beside_the_newest_verified()
    {
        // Nights 31..45 exist; only night 40 was proven by a restore, the newer ones never were.
        var backups = Enumerable.Range(31, 15).Select(d => Daily(d, restoreVerified: d is 40 or 44)).ToList();
        var plan = RetentionPlanner.Plan(backups, Now, 30);
        Assert.Equal(Daily(40).Key, plan.KeptNewestRestoreVerified?.Key);
        Assert.Equal(Daily(31).Key, plan.KeptNewestVerified?.Key);
        Assert.DoesNotContain(plan.Delete, d => d.Key == Daily(40).Key || d.Key == Daily(31).Key);
        Assert.Contains(plan.Delete, d => d.Key == Daily(44).Key);
        Assert.Equal(13, plan.Delete.Count);
    }

    [Fact]
    public void Without_any_verified_backup_the_newest_object_is_kept()
    {
        var backups = new[] { Daily(50, manifest: false), Daily(40, manifest: false) };
        var plan = RetentionPlanner.Plan(backups, Now, 30);
        Assert.Equal([Daily(50).Key], plan.Delete.Select(d => d.Key).ToList());
    }

    [Fact]
    public void Nothing_is_deleted_inside_the_window()
    {
        var plan = RetentionPlanner.Plan(Enumerable.Range(0, 30).Select(d => Daily(d)), Now, 30);
        Assert.Empty(plan.Delete);
    }
}
