using System.Text.Json;
using LeoPass.Recovery.Console.EndToEnd.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LeoPass.Recovery.Console.EndToEnd;

/// <summary>
/// A responder without a mouse, with a screen reader, or on a phone can still do the job: every
/// control has a name (as Chromium's accessibility tree computes it), the keyboard reaches every
/// action of a halted run in order and works it, and every page fits 1280×800 and a 390 px phone
/// without sideways scrolling or text too small to read.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessibilityTests(ConsoleTestBed bed)
{
    /// <summary>Roles a person operates; each needs a name a screen reader can say.</summary>
    private static readonly HashSet<string> ControlRoles =
        ["button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "switch", "menuitem", "tab", "slider", "spinbutton", "DisclosureTriangle", "date"];

    /// <summary>Below this, text is hard to read at arm's length on a phone (CSS pixels).</summary>
    private const double SmallestReadableText = 11;

    [Fact]
    public async Task Every_control_is_named_the_keyboard_reaches_and_works_each_action_and_every_page_fits_a_desktop_and_a_phone()
    {
        var id = await bed.StartHaltedDrillAsync();
        await bed.WriteMigrationAsync(succeeds: true);
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);
        var page = await browser.SignInAsync(bed.OperatorToken, $"/runs/{id}");
        await Expect(page.Locator("#failed-step")).ToBeVisibleAsync();

        var pages = new (string Path, string Ready)[]
        {
            ("/", "section.badge[data-rpo-level]"),
            ("/runs", "table.runs"),
            ($"/runs/{id}", "#failed-step .actions"),
            ("/backups", "article.backup"),
            ($"/backups/{Uri.EscapeDataString(bed.BackupKey)}", "article.backup.selected table.tables"),
        };
        var problems = new List<string>();
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (path, ready) in pages)
            {
                await page.GotoAsync(path);
                await page.Locator(ready).First.WaitForAsync();
                problems.AddRange((await UnnamedControlsAsync(page)).Select(c => $"{path} at {width} px: a {c} has no accessible name"));
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                if (overflow > 1) problems.Add($"{path} at {width} px scrolls sideways by {overflow} px");
                problems.AddRange((await TooSmallTextAsync(page)).Select(t => $"{path} at {width} px: text too small to read: {t}"));
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems.Distinct()));

        // The keyboard alone: from the top of a halted run's page, Tab reaches the navigation and every
        // action the run allows, in reading order, the error's actions before anything further down.
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync($"/runs/{id}");
        await page.Locator("#failed-step .actions").WaitForAsync();
        var reached = await TabThroughAsync(page, "Download report (Markdown)");
        string[] expected = ["Dashboard", "Runs", "Backups", "Sign out", "Retry failed step", "Resume", "Skip step…", "Abort run…", "Download report (Markdown)"];
        var missing = expected.Where(name => !reached.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"Tab never reached: {string.Join(", ", missing)}; it reached, in order: {string.Join(" → ", reached)}");
        Assert.True(reached.IndexOf("Retry failed step") < reached.FindIndex(n => n.StartsWith("1. Quarantine traffic", StringComparison.Ordinal)),
            $"the failed step's actions come after the timeline in the tab order: {string.Join(" → ", reached)}");

        // Enter on a focused action asks first; Escape takes the question back and nothing happens.
        await page.Locator("#failed-step").GetByRole(AriaRole.Button, new() { Name = "Retry failed step" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Runs step '5. Run migrations' again as attempt 2");
        Assert.Empty(await UnnamedControlsAsync(page));
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.Locator(".run-header .state-chip")).ToHaveAttributeAsync("data-state", "Halted");
        Assert.DoesNotContain("run.retry", await page.Locator("table.audit").InnerTextAsync(), StringComparison.Ordinal);
        await browser.WatchAsync(page);
        browser.AssertNothingLeaked(bed.Secrets);
    }

    /// <summary>Presses Tab until the named control has focus (or the page's controls run out), returning each focused control's name.</summary>
    private static async Task<List<string>> TabThroughAsync(IPage page, string last)
    {
        // From the first control of the page (the console's name, top left): a navigation focuses the page's
        // heading for screen readers, and Tab would otherwise start from there.
        await page.Locator("a.brand").FocusAsync();
        var reached = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var name = await page.EvaluateAsync<string>("""
                () => {
                  const el = document.activeElement;
                  if (!el || el === document.body) return "";
                  return (el.getAttribute("aria-label") || el.innerText || el.value || el.id || el.tagName).trim().replace(/\s+/g, " ");
                }
                """);
            if (name.Length == 0 || (reached.Count > 0 && name == reached[0] && reached.Count > 3)) break;
            reached.Add(name);
            if (name == last) break;
        }
        return reached;
    }

    /// <summary>The controls in Chromium's accessibility tree (what a screen reader gets) whose computed name is empty, by role.</summary>
    private static async Task<List<string>> UnnamedControlsAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        try
        {
            var tree = (await cdp.SendAsync("Accessibility.getFullAXTree"))!.Value;
            var unnamed = new List<string>();
            foreach (var node in tree.GetProperty("nodes").EnumerateArray())
            {
                if (node.TryGetProperty("ignored", out var ignored) && ignored.GetBoolean()) continue;
                var role = node.TryGetProperty("role", out var r) && r.TryGetProperty("value", out var rv) ? rv.GetString() ?? "" : "";
                if (!ControlRoles.Contains(role)) continue;
                var name = node.TryGetProperty("name", out var n) && n.TryGetProperty("value", out var nv) && nv.ValueKind == JsonValueKind.String ? nv.GetString() ?? "" : "";
                if (string.IsNullOrWhiteSpace(name)) unnamed.Add(role);
            }
            return unnamed;
        }
        finally
        {
            await cdp.DetachAsync();
        }
    }

    /// <summary>Visible text (outside charts' SVG and screen-reader-only text) set smaller than <see cref="SmallestReadableText"/>.</summary>
    private static Task<string[]> TooSmallTextAsync(IPage page) => page.EvaluateAsync<string[]>("""
        limit => {
          const small = new Set();
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const text = walker.currentNode.textContent.trim();
            const element = walker.currentNode.parentElement;
            if (!text || !element || element.closest("svg, .sr-only")) continue;
            const box = element.getBoundingClientRect();
            if (box.width === 0 || box.height === 0) continue;
            const size = parseFloat(getComputedStyle(element).fontSize);
            if (size < limit) small.add(`${size} px "${text.slice(0, 40)}"`);
          }
          return [...small];
        }
        """, SmallestReadableText);
}
