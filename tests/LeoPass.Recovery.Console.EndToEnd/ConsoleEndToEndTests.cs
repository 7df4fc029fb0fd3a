using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LeoPass.Recovery.Console.EndToEnd.Support;
using LeoPass.Recovery.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LeoPass.Recovery.Console.EndToEnd;

/// <summary>
/// A responder's night, in a real browser against a real server: sign in, is the data safe, start
/// a drill from a backup and watch it finish live, find a halted restore's failed step and its
/// reason, fix it, retry from the page. Roles decide what is shown, and the API refuses the rest.
/// Screenshots go to artifacts/screenshots/ (kept by CI; the same pictures are in docs/screenshots/).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleEndToEndTests(ConsoleTestBed bed)
{
    [Fact]
    public async Task Responder_sees_the_backup_age_then_starts_a_drill_from_the_backup_and_watches_it_complete_without_a_reload()
    {
        await bed.WriteMigrationAsync(succeeds: true);
        // The dashboard as it stands every morning: last night's backup proven by its restore verification.
        await bed.WaitForRestoreVerifiedAsync(bed.BackupKey);
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.OperatorToken);

        var rpo = page.Locator("section.badge[data-rpo-level]");
        await Expect(rpo).ToHaveAttributeAsync("data-rpo-level", "Safe");
        await Expect(rpo).ToContainTextAsync(AgeText());
        await Expect(rpo).ToContainTextAsync(bed.BackupKey);
        await Expect(page).ToHaveTitleAsync("Dashboard — LeoPass.Recovery");
        // The picture in the README shows the predicted RTO beside the last drill's: wait for it.
        await Expect(page.Locator(".predicted-rto")).ToHaveAttributeAsync("data-rto-prediction", "ok");
        await Screenshots.TakeAsync(page, "dashboard.png");
        await browser.WatchAsync(page);
        var phone = await browser.SignInAsync(bed.OperatorToken, "/", width: 390, height: 844);
        await Expect(phone.Locator("section.badge[data-rpo-level]")).ToHaveAttributeAsync("data-rpo-level", "Safe");
        await Screenshots.TakeAsync(phone, "dashboard-phone.png", fullPage: false);
        await browser.WatchAsync(phone);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Backups" }).ClickAsync();
        var card = page.Locator("article.backup", new() { HasText = bed.BackupKey });
        await card.GetByRole(AriaRole.Button, new() { Name = "Start a drill from this backup" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Monthly staging restore drill");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Start restore-drill" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync(RunUrl());
        }
        catch (TimeoutException e)
        {
            var shown = await dialog.CountAsync() > 0 ? await dialog.InnerTextAsync() : "(no dialog)";
            throw new TimeoutException($"the drill's page never opened; the dialog shows: {shown}\n--- server log ---\n{string.Join('\n', bed.ServerOutput.Split('\n').TakeLast(60))}", e);
        }

        // From here on the page is never reloaded: a reload would drop this marker.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        await WaitUntilFinishedAsync(page, "Succeeded");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded while the drill ran");
        await Expect(page.Locator(".figures")).ToContainTextAsync($"restore point {bed.BackupKey}");
        await Expect(page.Locator(".gantt-row[data-step=restore] .bar-work.tone-succeeded")).ToHaveCountAsync(1);
        await Screenshots.TakeAsync(page, "run-completed.png");
        await browser.WatchAsync(page);

        // The backup's own page (a deep link) shows its manifest.
        await page.GotoAsync($"/backups/{Uri.EscapeDataString(bed.BackupKey)}");
        await Expect(page.Locator($"article.backup.selected")).ToContainTextAsync("Tables and row counts");
        await browser.WatchAsync(page);
        browser.AssertNothingLeaked(bed.Secrets);
        var errors = browser.ConsoleMessages.Where(m => m.StartsWith("error", StringComparison.Ordinal) || m.StartsWith("pageerror", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "the browser console shows errors:\n" + string.Join('\n', errors));
    }

    [Fact]
    public async Task The_nightly_backups_proof_shows_on_its_card_and_the_dashboard_beside_the_predicted_RTO_and_an_operator_proves_it_again_from_the_card()
    {
        var first = await bed.WaitForRestoreVerifiedAsync(bed.BackupKey);
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.OperatorToken);

        // Is the data safe? names the proven backup; can we restore in time? predicts today's restore beside the last drill.
        await Expect(page.Locator("section.badge[data-rpo-level] .proven")).ToContainTextAsync($"Newest restore-verified backup: {bed.BackupKey}");
        var predicted = page.Locator(".predicted-rto");
        await Expect(predicted).ToHaveAttributeAsync("data-rto-prediction", "ok");
        await Expect(predicted).ToContainTextAsync("Predicted now");
        await Expect(predicted).ToContainTextAsync("of 2 h");

        // GET /api/status says the same: the proven backup, and a prediction whose parts add up to it.
        using (var api = bed.Api(bed.ViewerToken))
        {
            var status = (await api.GetFromJsonAsync<JsonNode>("api/status"))!;
            Assert.Equal(bed.BackupKey, status["restoreVerified"]!["key"]!.GetValue<string>());
            var prediction = status["rtoPrediction"]!;
            double Seconds(string part) => TimeSpan.Parse(prediction[part]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).TotalSeconds;
            Assert.True(Seconds("restore") > 0, $"a measured restore takes time: {prediction}");
            Assert.Equal(Seconds("fixed") + Seconds("download") + Seconds("restore"), Seconds("predicted"), 3);
            Assert.Equal(TimeSpan.FromHours(2).TotalSeconds, Seconds("target"));
        }

        await page.GotoAsync($"/backups/{Uri.EscapeDataString(bed.BackupKey)}");
        var mark = page.Locator("article.backup.selected .restore-verified");
        await Expect(mark).ToHaveAttributeAsync("data-restore-verified", "verified");
        await Expect(mark).ToContainTextAsync("tables, counts equal");
        await Expect(mark.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"runs/{first["runId"]}");
        await Screenshots.TakeAsync(page, "backup-restore-verified.png");

        // Prove it again: the button starts verify-restore on this backup and opens its run, which ends green.
        var before = first["verifiedAt"]!.GetValue<DateTimeOffset>();
        await page.Locator("article.backup.selected").GetByRole(AriaRole.Button, new() { Name = "Prove by restore" }).ClickAsync();
        await page.WaitForURLAsync(RunUrl());
        await WaitUntilFinishedAsync(page, "Succeeded");
        await Expect(page).ToHaveTitleAsync(new Regex("^Run \\d+ · Succeeded"));
        var again = await bed.WaitForRestoreVerifiedAsync(bed.BackupKey, before);
        Assert.EndsWith($"/runs/{again["runId"]}", page.Url, StringComparison.Ordinal);
        await browser.WatchAsync(page);
        browser.AssertNothingLeaked(bed.Secrets);
    }

    [Fact]
    public async Task Halted_restore_shows_the_failed_step_and_its_error_first_and_completes_after_the_fix_and_a_retry_from_the_page()
    {
        var id = await bed.StartHaltedDrillAsync();

        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.OperatorToken, $"/runs/{id}");
        var failed = page.Locator("#failed-step");
        await Expect(failed.Locator("h2")).ToHaveTextAsync("Step 5 failed: Run migrations");
        await Expect(failed.Locator(".error-text").First).ToContainTextAsync("exited with 3: Error: P3009 migrate found failed migrations");
        await Expect(failed.Locator("table.attempts tbody tr")).ToHaveCountAsync(1);
        // The first thing on the page: right under the run's title, above the timeline, in the first screen.
        var panel = (await failed.BoundingBoxAsync())!;
        var timeline = (await page.Locator("section.timeline").BoundingBoxAsync())!;
        Assert.True(panel.Y < 200 && panel.Y < timeline.Y, $"failed step panel at y={panel.Y}, timeline at y={timeline.Y}");
        await Expect(page).ToHaveTitleAsync($"Run {id} · Halted — LeoPass.Recovery");
        await Screenshots.TakeAsync(page, "run-halted.png");
        await browser.WatchAsync(page);

        var phone = await browser.SignInAsync(bed.OperatorToken, $"/runs/{id}", width: 390, height: 844);
        await Expect(phone.Locator("#failed-step .error-text").First).ToBeInViewportAsync();
        await Expect(phone.Locator("#failed-step").GetByRole(AriaRole.Button, new() { Name = "Retry failed step" })).ToBeInViewportAsync();
        await Screenshots.TakeAsync(phone, "run-halted-phone.png", fullPage: false);
        await browser.WatchAsync(phone);

        // A deep link to the step survives a reload: still signed in (the tab's session), the step open and marked.
        await page.GotoAsync($"/runs/{id}/steps/migrate");
        await Expect(page.Locator("#step-migrate")).ToHaveAttributeAsync("open", "");
        await Expect(page.Locator(".gantt-row.selected")).ToHaveAttributeAsync("data-step", "migrate");

        await bed.WriteMigrationAsync(succeeds: true);
        await page.Locator("#failed-step").GetByRole(AriaRole.Button, new() { Name = "Retry failed step" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("as attempt 2");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Retry", Exact = true }).ClickAsync();
        // The page shows the retry as soon as the server accepted it (the answer carries the audit), then follows the run.
        await Expect(page.Locator("table.audit")).ToContainTextAsync("run.retry");
        await WaitUntilFinishedAsync(page, "Succeeded");
        await Expect(page.Locator("#step-migrate")).ToContainTextAsync("2 attempts");
        await Expect(page.Locator(".gantt-row[data-step=migrate] .bar-work")).ToHaveCountAsync(2);
        await browser.WatchAsync(page);
        browser.AssertNothingLeaked(bed.Secrets);
    }

    [Fact]
    public async Task Operator_is_not_offered_a_production_restore_and_a_viewer_no_action_which_the_api_refuses_anyway()
    {
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var admin = await browser.SignInAsync(bed.AdminToken, "/runs");
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Start incident restore" })).ToBeVisibleAsync();
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Start DR rehearsal" })).ToBeVisibleAsync();

        var operatorPage = await browser.SignInAsync(bed.OperatorToken, "/runs");
        await Expect(operatorPage.GetByRole(AriaRole.Button, new() { Name = "Start restore drill" })).ToBeVisibleAsync();
        await Expect(operatorPage.GetByRole(AriaRole.Button, new() { Name = "Start incident restore" })).ToHaveCountAsync(0);
        await Expect(operatorPage.GetByRole(AriaRole.Button, new() { Name = "Start DR rehearsal" })).ToHaveCountAsync(0);
        await browser.WatchAsync(operatorPage);

        var id = await bed.StartHaltedDrillAsync();
        await bed.WriteMigrationAsync(succeeds: true);

        var viewer = await browser.SignInAsync(bed.ViewerToken, $"/runs/{id}");
        await Expect(viewer.Locator("#failed-step .error-text").First).ToContainTextAsync("P3009");
        await Expect(viewer.Locator(".actions")).ToHaveCountAsync(0);
        foreach (var name in new[] { "Retry failed step", "Resume", "Skip step…", "Abort run…" })
        {
            await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = name })).ToHaveCountAsync(0);
        }
        await viewer.GotoAsync("/runs");
        await Expect(viewer.Locator("table.runs")).ToContainTextAsync($"Run {id}");
        await Expect(viewer.Locator(".start-menu")).ToHaveCountAsync(0);
        await viewer.GotoAsync("/backups");
        await Expect(viewer.Locator("article.backup").First).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Verify now" })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Start a drill from this backup" })).ToHaveCountAsync(0);
        await browser.WatchAsync(viewer);

        using var forced = bed.Api(bed.ViewerToken);
        using var refused = await forced.PostAsJsonAsync($"api/runs/{id}/retry", new { });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var stillHalted = bed.Api(bed.OperatorToken);
        Assert.Equal("Halted", (await stillHalted.GetFromJsonAsync<JsonNode>($"api/runs/{id}"))!["run"]!["state"]!.GetValue<string>());
        browser.AssertNothingLeaked(bed.Secrets);
    }

    [Fact]
    public async Task Every_console_address_answers_the_app_and_the_servers_own_paths_never_do()
    {
        using var http = new HttpClient { BaseAddress = bed.BaseAddress };
        foreach (var path in new[] { "/", "/runs/12", "/runs/12/steps/migrate", "/backups/leopass-2026-12-05T020000Z.dump.zst.pgp" })
        {
            using var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("_framework/blazor.webassembly", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("connect-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
        foreach (var path in new[] { "/api/nothing-here", "/api/runs/12/nothing", "/health/nothing", "/openapi/nothing", "/docs/nothing/deeper" })
        {
            using var answer = await http.GetAsync(path);
            Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{path}: {(int)answer.StatusCode}");
            Assert.NotEqual("text/html", answer.Content.Headers.ContentType?.MediaType);
        }
        using (var wrongMethod = await http.GetAsync("/api/runs/12/retry")) Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        using (var missingFile = await http.GetAsync("/_framework/no-such-file.js")) Assert.Equal(HttpStatusCode.NotFound, missingFile.StatusCode);
        // The app's files come compressed from this server, fingerprinted and cached for good.
        var index = await http.GetStringAsync("/");
        var script = BlazorScript().Match(index).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, script);
        request.Headers.AcceptEncoding.ParseAdd("br");
        using var framework = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, framework.StatusCode);
        Assert.Equal("br", Assert.Single(framework.Content.Headers.ContentEncoding));
        Assert.Contains("immutable", framework.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Waits, on the open page, until the run is over (or halted again), then asserts how it ended, naming what failed.</summary>
    private async Task WaitUntilFinishedAsync(IPage page, string expected)
    {
        var finished = page.Locator(".run-header .state-chip[data-state=Succeeded], .run-header .state-chip[data-state=Halted], .run-header .state-chip[data-state=Aborted]");
        await finished.WaitForAsync(new() { Timeout = (float)ConsoleTestBed.RunTimeout.TotalMilliseconds });
        var state = await finished.GetAttributeAsync("data-state");
        var failed = await page.Locator("#failed-step").CountAsync() > 0 ? await page.Locator("#failed-step").InnerTextAsync() : "";
        var log = string.Join('\n', bed.ServerOutput.Split('\n').TakeLast(60));
        Assert.True(state == expected, $"the run ended {state}, not {expected}: {failed}\n--- server log ---\n{log}");
    }

    [GeneratedRegex(@"Newest verified backup is \d+ (s|min|h) old")]
    private static partial Regex AgeText();

    [GeneratedRegex(@"/runs/\d+$")]
    private static partial Regex RunUrl();

    [GeneratedRegex("src=\"(_framework/blazor\\.webassembly[^\"]*\\.js)\"")]
    private static partial Regex BlazorScript();
}
