using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Auth;
using LeoPass.Recovery.Console.Backups;
using LeoPass.Recovery.Console.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using static LeoPass.Recovery.Console.Tests.RunsFor;

namespace LeoPass.Recovery.Console.Tests;

/// <summary>The restore-verified mark on backup cards, and the predicted RTO beside the last drill's.</summary>
public sealed class RestoreVerificationTests : BunitContext
{
    private const string Key = "leopass-2026-12-05T020000Z-3f9a1c07.dump.zst.pgp";

    public RestoreVerificationTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Start.AddHours(6)));
        Services.AddSingleton(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") });
        Services.AddScoped<TokenSession>();
        Services.AddScoped<IApiCredentials>(sp => sp.GetRequiredService<TokenSession>());
        Services.AddScoped<RecoveryApi>();
    }

    [Fact]
    public void A_proven_backup_carries_the_green_mark_with_what_was_compared_and_the_run_that_proved_it()
    {
        var proof = new RestoreVerification(Start.AddMinutes(41), 17, 42, "42 tables, counts equal, migration head 20261201_add_checked_in", null, null);

        var mark = Render<RestoreVerifiedMark>(p => p.Add(m => m.Verification, proof));

        var root = mark.Find(".restore-verified");
        Assert.Equal("verified", root.GetAttribute("data-restore-verified"));
        Assert.Contains("tone-succeeded", root.ClassList);
        Assert.Contains("Restore-verified", root.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-12-05 02:41:00 UTC", root.TextContent, StringComparison.Ordinal);
        Assert.Contains("42 tables, counts equal, migration head 20261201_add_checked_in", root.TextContent, StringComparison.Ordinal);
        Assert.Equal("runs/17", mark.Find("a").GetAttribute("href"));
    }

    [Fact]
    public void A_failure_after_the_last_proof_is_shown_red_with_its_reason()
    {
        var failed = new RestoreVerification(Start.AddDays(-1), 9, 42, "42 tables, counts equal", Start.AddMinutes(40), "run 17: step 'validate' failed: public.users has 3 rows, expected 4");

        var mark = Render<RestoreVerifiedMark>(p => p.Add(m => m.Verification, failed));

        var root = mark.Find(".restore-verified");
        Assert.Equal("failed", root.GetAttribute("data-restore-verified"));
        Assert.Contains("tone-failed", root.ClassList);
        Assert.Contains("public.users has 3 rows, expected 4", root.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_backup_never_restored_says_so_in_grey()
    {
        var mark = Render<RestoreVerifiedMark>(p => p.Add(m => m.Verification, null));

        Assert.Equal("none", mark.Find(".restore-verified").GetAttribute("data-restore-verified"));
        Assert.Contains("Not proven by a restore yet", mark.Markup, StringComparison.Ordinal);
    }

    private static BackupSummary Backup(RestoreVerification? verification) =>
        new(Key, "leopass", Start, Start.AddMinutes(3), 4_200_000, 12_600_000, new string('a', 64), "md5-per-part", "zstd", null, null, verification);

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void The_backup_card_carries_the_mark_and_offers_Prove_by_restore_only_to_who_may_start_it(bool mayStart, int buttons)
    {
        var card = Render<BackupCard>(p => p.Add(c => c.Backup, Backup(new RestoreVerification(Start.AddMinutes(41), 17, 42, "42 tables, counts equal", null, null)))
            .Add(c => c.CanProveByRestore, mayStart));

        Assert.Equal("verified", card.Find(".restore-verified").GetAttribute("data-restore-verified"));
        Assert.Equal(buttons, card.FindAll("button[data-action=prove-by-restore]").Count);
        if (mayStart) Assert.Equal("Prove by restore", card.Find("button[data-action=prove-by-restore]").TextContent.Trim());
    }

    private static RtoPredictionStatus Prediction(double minutes) => new(TimeSpan.FromMinutes(minutes), TimeSpan.FromHours(2),
        minutes >= 96, minutes > 120, TimeSpan.FromMinutes(minutes * 0.2), TimeSpan.FromMinutes(minutes * 0.7), TimeSpan.FromMinutes(minutes * 0.1),
        "mean of the last 3 drills", 25 * 1024 * 1024, 8 * 1024 * 1024, 3, 3, Key, 4L << 30, 12L << 30);

    [Theory]
    [InlineData(60, "ok", "tone-succeeded", "Predicted now 1 h 00 min (50 % of 2 h)")]
    [InlineData(96, "at-risk", "tone-waiting", "Predicted now 1 h 36 min (80 % of 2 h) — at risk")]
    [InlineData(150, "over", "tone-failed", "Predicted now 2 h 30 min (125 % of 2 h) — over the target")]
    public void The_predicted_RTO_turns_amber_at_80_percent_of_the_target_and_red_past_it(double minutes, string level, string tone, string figure)
    {
        var badge = Render<RtoBadge>(p => p
            .Add(b => b.Drill, new DrillStatus(7, "restore-drill", Start.AddHours(1), TimeSpan.FromMinutes(48), TimeSpan.FromHours(2), true))
            .Add(b => b.Prediction, Prediction(minutes)));

        // The last drill's RTO and the prediction, side by side in one card.
        Assert.Contains("RTO 48 min 00 s of 2 h", badge.Find(".figure").TextContent, StringComparison.Ordinal);
        var predicted = badge.Find(".predicted-rto");
        Assert.Equal(level, predicted.GetAttribute("data-rto-prediction"));
        Assert.Contains(tone, predicted.ClassList);
        Assert.Equal(figure, predicted.QuerySelector(".figure")!.TextContent.Trim());
        Assert.Contains("12.00 GiB at 8.0 MiB/s", predicted.TextContent, StringComparison.Ordinal);
        Assert.Contains("other steps", predicted.TextContent, StringComparison.Ordinal);
        Assert.Contains("(mean of the last 3 drills); throughput measured by the last 3 restores", predicted.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_samples_there_is_no_prediction_and_the_card_says_what_would_give_one()
    {
        var badge = Render<RtoBadge>(p => p.Add(b => b.Drill, new DrillStatus(null, null, null, null, TimeSpan.FromHours(2), null)));

        Assert.Equal("none", badge.Find(".predicted-rto").GetAttribute("data-rto-prediction"));
        Assert.Contains("No prediction yet", badge.Find(".predicted-rto").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Is_the_data_safe_names_the_newest_restore_verified_backup()
    {
        var proven = new RestoreVerifiedStatus(Key, Start, TimeSpan.FromHours(6), Start.AddMinutes(41), 17, "42 tables, counts equal");

        var badge = Render<RpoBadge>(p => p.Add(b => b.Age, TimeSpan.FromHours(6)).Add(b => b.Key, Key).Add(b => b.SnapshotAt, Start).Add(b => b.Proven, proven));

        var line = badge.Find(".proven");
        Assert.Contains($"Newest restore-verified backup: {Key}", line.TextContent, StringComparison.Ordinal);
        Assert.Contains("42 tables, counts equal", line.TextContent, StringComparison.Ordinal);
        Assert.Equal($"backups/{Uri.EscapeDataString(Key)}", line.QuerySelector("a")!.GetAttribute("href"));

        var none = Render<RpoBadge>(p => p.Add(b => b.Age, TimeSpan.FromHours(6)).Add(b => b.Key, Key).Add(b => b.SnapshotAt, Start));
        Assert.Contains("No backup has been proven by a restore yet", none.Find(".proven").TextContent, StringComparison.Ordinal);
    }
}
