using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Console.EndToEnd.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LeoPass.Recovery.Console.EndToEnd;

/// <summary>
/// A workflow designer's afternoon, in a real browser against a real server: build a runbook by
/// dragging activities, set its parameters, see the API's errors land on the node and go away when
/// fixed, keep the draft across a reload, publish as an admin (an operator is told why not), start
/// it and watch the canvas follow the run without a reload. Screenshots for the README.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DesignerEndToEndTests(ConsoleTestBed bed)
{
    [Fact]
    public async Task Designer_builds_a_workflow_by_dragging_checks_it_live_keeps_the_draft_publishes_as_admin_only_and_follows_its_run_without_a_reload()
    {
        var id = "designed-" + Guid.NewGuid().ToString("N")[..6];
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.AdminToken, "/workflows");
        await Expect(page.Locator("table.workflows tr[data-workflow=restore-drill]")).ToContainTextAsync("Monthly staging restore drill");
        await Screenshots.TakeAsync(page, "designer-list.png");

        await page.GetByLabel("New workflow id").FillAsync(id);
        await page.GetByRole(AriaRole.Button, new() { Name = "New workflow" }).ClickAsync();
        await page.WaitForURLAsync($"**/workflows/{id}");
        var canvas = page.Locator("section.canvas");
        var nodes = canvas.Locator("[role=option]");

        // Three steps from the palette, each dragged to where it belongs: the first into the empty canvas, one after it, one before both.
        await (await PaletteAsync(page, "diagnostics.sleep")).DragToAsync(canvas.Locator(".slot[data-slot='0']"));
        await Expect(nodes).ToHaveCountAsync(1);
        await (await PaletteAsync(page, "diagnostics.echo")).DragToAsync(canvas.Locator(".slot[data-slot='1']"));
        await Expect(nodes).ToHaveCountAsync(2);
        await (await PaletteAsync(page, "diagnostics.noop")).DragToAsync(canvas.Locator(".slot[data-slot='0']"));
        await Expect(nodes).ToHaveCountAsync(3);
        Assert.Equal(["noop", "sleep", "echo"], await StepIdsAsync(nodes));

        // A parameter set in the property panel; a bad value shows on its node and field, and goes when fixed.
        await canvas.Locator("[data-step=echo]").ClickAsync();
        await CommitAsync(page.GetByLabel("text (required)"), "designed in the console");
        await canvas.Locator("[data-step=sleep]").ClickAsync();
        var duration = page.GetByLabel("duration (required)");
        await CommitAsync(duration, "soon");
        var sleepError = canvas.Locator("[data-step=sleep] .node-error");
        await Expect(sleepError).ToContainTextAsync("'soon' is not an ISO 8601 duration");
        await Expect(duration).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#publish-why")).ToContainTextAsync("Fix the 1 problem(s) first");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Publish as v1" })).ToBeDisabledAsync();
        await Screenshots.TakeAsync(page, "designer-validation-error.png");
        await CommitAsync(duration, "PT4S");
        await Expect(sleepError).ToHaveCountAsync(0);
        await Expect(page.Locator("#problems-title")).ToHaveCountAsync(0);

        // The keyboard alone: Delete removes the focused step, Ctrl+Z brings it back, Alt+ArrowDown moves one down.
        await canvas.Locator("[data-step=echo]").FocusAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(nodes).ToHaveCountAsync(2);
        await page.Keyboard.PressAsync("Control+z");
        await Expect(nodes).ToHaveCountAsync(3);
        await Expect(canvas.Locator("[data-step=echo]")).ToContainTextAsync("diagnostics.echo");
        await canvas.Locator("[data-step=noop]").FocusAsync();
        await page.Keyboard.PressAsync("Alt+ArrowDown");
        await Expect(nodes.Nth(1)).ToHaveAttributeAsync("data-step", "noop");
        Assert.Equal(["sleep", "noop", "echo"], await StepIdsAsync(nodes));
        await Expect(canvas.Locator("[data-step=noop]")).ToBeFocusedAsync();

        // Saved on the server: a reload (or another browser) finds the draft as it was left.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.Locator(".status-line")).ToContainTextAsync("Draft saved (revision");
        await page.ReloadAsync();
        await Expect(nodes).ToHaveCountAsync(3);
        Assert.Equal(["sleep", "noop", "echo"], await StepIdsAsync(nodes));
        await Expect(page.Locator(".designer-head .where")).ToContainTextAsync("draft revision");

        // An operator may design but not publish: the button says why, and the API refuses anyway.
        var operatorPage = await browser.SignInAsync(bed.OperatorToken, $"/workflows/{id}");
        await Expect(operatorPage.GetByRole(AriaRole.Button, new() { Name = "Publish as v1" })).ToBeDisabledAsync();
        await Expect(operatorPage.Locator("#publish-why")).ToHaveTextAsync("Publishing needs the admin role; you are operator.");
        using (var asOperator = bed.Api(bed.OperatorToken))
        {
            var draft = await asOperator.GetFromJsonAsync<JsonNode>($"api/drafts/{id}");
            using var refused = await asOperator.PostAsync($"api/drafts/{id}/publish?revision={draft!["summary"]!["revision"]}", null);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as v1" }).ClickAsync();
        await Expect(page.Locator(".status-line")).ToContainTextAsync("Published as v1.");
        await Expect(page.Locator(".designer-head .where")).ToContainTextAsync("published v1, no draft");

        // Export is exactly what the API serves for the definition.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export" }).ClickAsync());
        var exported = JsonNode.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));
        using (var api = bed.Api(bed.ViewerToken))
        {
            var served = (await api.GetFromJsonAsync<JsonNode>($"api/definitions/{id}"))!["content"];
            Assert.Equal(Canonical(served), Canonical(exported));
        }

        // Start the published version and watch the canvas follow it, without a reload.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Run" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start run of v1" }).ClickAsync();
        await Expect(canvas.Locator("[data-step=sleep].running")).ToBeVisibleAsync();
        await Expect(canvas.Locator("[data-step=sleep] .overlay")).ToContainTextAsync("running now");
        await Screenshots.TakeAsync(page, "designer-live-overlay.png");
        await Expect(canvas.Locator("[data-step=echo] .overlay")).ToContainTextAsync("last: succeeded in", new() { Timeout = (float)ConsoleTestBed.RunTimeout.TotalMilliseconds });
        await Expect(canvas.Locator("[data-step=sleep] .overlay")).ToContainTextAsync("median");
        await Expect(canvas.Locator("[data-step=sleep].running")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded while the run went on");
        await Screenshots.TakeAsync(page, "designer-after-run.png");

        // A second version: the diff names the changed step and field.
        await canvas.Locator("[data-step=sleep]").ClickAsync();
        await CommitAsync(page.GetByLabel("duration (required)"), "PT1S");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish as v2" }).ClickAsync();
        await Expect(page.Locator(".status-line")).ToContainTextAsync("Published as v2.");
        await page.GetByRole(AriaRole.Tab, new() { Name = "History" }).ClickAsync();
        await page.GetByLabel("Compare", new() { Exact = true }).SelectOptionAsync("1");
        await page.GetByLabel("with", new() { Exact = true }).SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show changes" }).ClickAsync();
        var changed = page.Locator(".diff-step[data-step=sleep]");
        await Expect(changed).ToHaveAttributeAsync("data-kind", "Changed");
        await Expect(changed).ToContainTextAsync("parameters.duration: was PT4S, now PT1S");
        await Screenshots.TakeAsync(page, "designer-diff.png");

        // The shipped drill in the designer: its steps with their badges, a step's properties, and the plan of a dry run.
        await page.GotoAsync("/workflows/restore-drill");
        await canvas.Locator("[data-step=download]").ClickAsync();
        await Expect(page.Locator("#param-backup")).ToBeVisibleAsync();
        await Expect(canvas.Locator("[data-step=quarantine] .nbadge.disabled")).ToHaveTextAsync("disabled");
        await Screenshots.TakeAsync(page, "designer-properties.png");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Run" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(page.Locator(".plan li[data-step=download]")).ToContainTextAsync($"would download artefact {bed.BackupKey}");
        await Expect(page.Locator(".plan li[data-step=restore]")).ToContainTextAsync("with pg_restore --clean --if-exists -j 2");
        await Screenshots.TakeAsync(page, "designer-dry-run.png");
        await browser.WatchAsync(page);
        browser.AssertNothingLeaked(bed.Secrets);
        var errors = browser.ConsoleMessages.Where(m => m.StartsWith("error", StringComparison.Ordinal) || m.StartsWith("pageerror", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "the browser console shows errors:\n" + string.Join('\n', errors));
    }

    [Fact]
    public async Task Importing_a_file_as_new_opens_its_draft_and_a_file_with_an_unknown_activity_is_refused_naming_it_and_its_path()
    {
        using var api = bed.Api(bed.ViewerToken);
        var file = (await api.GetFromJsonAsync<JsonNode>("api/definitions/restore-drill"))!["content"]!.AsObject();
        var bad = file.DeepClone().AsObject();
        bad["id"] = "imported-" + Guid.NewGuid().ToString("N")[..6];
        bad["steps"]![2]!["activity"] = "runbook.teleport-database";
        var badPath = Path.Combine(bed.WorkDirectory, "bad-drill.json");
        await File.WriteAllTextAsync(badPath, bad.ToJsonString());

        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.OperatorToken, "/workflows");
        await page.Locator("#import-file").SetInputFilesAsync(badPath);
        var alert = page.Locator(".import-errors");
        await Expect(alert).ToContainTextAsync("bad-drill.json was not imported");
        await Expect(alert).ToContainTextAsync("$.steps[2].activity: unknown activity type 'runbook.teleport-database'");
        await Screenshots.TakeAsync(page, "designer-import-refused.png");

        var good = file.DeepClone().AsObject();
        var copy = "imported-" + Guid.NewGuid().ToString("N")[..6];
        good["id"] = copy;
        var goodPath = Path.Combine(bed.WorkDirectory, "good-drill.json");
        await File.WriteAllTextAsync(goodPath, good.ToJsonString());
        await page.Locator("#import-file").SetInputFilesAsync(goodPath);
        await page.WaitForURLAsync($"**/workflows/{copy}");
        await Expect(page.Locator("section.canvas [role=option]")).ToHaveCountAsync(file["steps"]!.AsArray().Count);
        await Expect(page.Locator(".designer-head .where")).ToContainTextAsync("draft revision 1, never published");
        browser.AssertNothingLeaked(bed.Secrets);
    }

    [Fact]
    public async Task The_dashboard_does_not_download_the_designer_which_comes_when_workflows_is_first_opened()
    {
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.ViewerToken);
        await Expect(page.Locator("section.badge[data-rpo-level]")).ToBeVisibleAsync();
        Assert.DoesNotContain(browser.RequestedUrls, url => url.Contains("LeoPass.Recovery.Console.Designer", StringComparison.Ordinal));
        Assert.Contains(browser.RequestedUrls, url => url.Contains("LeoPass.Recovery.Console.Client", StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Workflows" }).ClickAsync();
        await Expect(page.Locator("table.workflows tr[data-workflow=restore-drill]")).ToBeVisibleAsync();
        Assert.Contains(browser.RequestedUrls, url => url.Contains("LeoPass.Recovery.Console.Designer", StringComparison.Ordinal) && url.EndsWith(".wasm", StringComparison.Ordinal));
        // A viewer reads: no new, import, duplicate or edit.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New workflow" })).ToHaveCountAsync(0);
        await page.Locator("table.workflows tr[data-workflow=restore-drill] a").ClickAsync();
        await Expect(page.Locator("section.canvas [role=option]")).ToHaveCountAsync(9);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save draft" })).ToBeDisabledAsync();
    }

    /// <summary>The activity in the palette, found as a person finds it: by searching.</summary>
    private static async Task<ILocator> PaletteAsync(IPage page, string activity)
    {
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search activities" }).FillAsync(activity);
        var item = page.Locator($".palette-item[data-activity='{activity}']");
        await Expect(page.Locator(".palette-item")).ToHaveCountAsync(1);
        return item;
    }

    /// <summary>Types a value and leaves the field, as a person does: the change is committed on leaving.</summary>
    private static async Task CommitAsync(ILocator field, string value)
    {
        await field.FillAsync(value);
        await field.PressAsync("Tab");
    }

    private static async Task<List<string>> StepIdsAsync(ILocator nodes) =>
        [.. (await nodes.EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.step)"))];

    /// <summary>JSON with every object's keys sorted, compact: two documents that mean the same compare equal.</summary>
    private static string Canonical(JsonNode? node) => Sorted(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
