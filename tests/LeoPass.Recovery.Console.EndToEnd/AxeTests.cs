using LeoPass.Recovery.Console.EndToEnd.Support;
using LeoPass.Recovery.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LeoPass.Recovery.Console.EndToEnd;

/// <summary>
/// axe-core (npm, installed into .tools by scripts/install-deps.sh) runs the WCAG 2.1 A and AA rules
/// in chromium on every page a responder or a designer uses, signed in and not; a serious or
/// critical violation fails the test with the rule, how many elements and which.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class AxeTests(ConsoleTestBed bed)
{
    private static readonly string AxeScript = Path.Combine(RepositoryRoot.Path, ".tools", "node_modules", "axe-core", "axe.min.js");

    [Fact]
    public async Task Axe_finds_no_serious_or_critical_violation_on_sign_in_dashboard_runs_a_run_backups_and_the_designer()
    {
        Assert.True(File.Exists(AxeScript), $"{AxeScript} is missing: scripts/install-deps.sh installs axe-core into .tools");
        var runId = await bed.StartHaltedDrillAsync();
        await bed.WriteMigrationAsync(succeeds: true);
        await using var browser = await BrowserSession.StartAsync(bed.BaseAddress);

        var signIn = await browser.NewPageAsync();
        await signIn.GotoAsync("/");
        await Expect(signIn.GetByLabel("API token")).ToBeVisibleAsync();
        var violations = new List<string>();
        violations.AddRange((await ViolationsAsync(signIn)).Select(v => $"sign-in: {v}"));

        var page = await browser.SignInAsync(bed.AdminToken);
        var pages = new (string Path, string Ready)[]
        {
            ("/", "section.badge[data-rpo-level]"),
            ("/runs", "table.runs"),
            ($"/runs/{runId}", "#failed-step .actions"),
            ("/backups", "article.backup"),
            ("/workflows", "table.workflows"),
            ("/workflows/restore-drill", "section.canvas [role=option]"),
        };
        foreach (var (path, ready) in pages)
        {
            await page.GotoAsync(path);
            await page.Locator(ready).First.WaitForAsync();
            violations.AddRange((await ViolationsAsync(page)).Select(v => $"{path}: {v}"));
        }
        // The designer with a step selected: the property panel is the densest form of the console.
        await page.Locator("section.canvas [data-step=download]").ClickAsync();
        await Expect(page.Locator("#param-backup")).ToBeVisibleAsync();
        violations.AddRange((await ViolationsAsync(page)).Select(v => $"/workflows/restore-drill (step selected): {v}"));

        Assert.True(violations.Count == 0, "axe-core found serious or critical violations:\n" + string.Join('\n', violations));
    }

    /// <summary>Serious and critical violations of the WCAG 2.1 A/AA rules on the page as it stands: rule, impact, how many elements, the first few.</summary>
    private static async Task<string[]> ViolationsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new() { Path = AxeScript });
        return await page.EvaluateAsync<string[]>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
              return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}) on ${v.nodes.length} element(s): ${v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | ")}`);
            }
            """);
    }
}
