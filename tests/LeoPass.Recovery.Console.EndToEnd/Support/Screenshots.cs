using LeoPass.Recovery.TestSupport;
using Microsoft.Playwright;

namespace LeoPass.Recovery.Console.EndToEnd.Support;

/// <summary>
/// Pictures of the console for people: written to artifacts/screenshots/ (CI keeps the folder); the
/// same pictures are committed under docs/screenshots/ and shown in README.md.
/// </summary>
public static class Screenshots
{
    public static readonly string Folder = Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots");

    public static async Task TakeAsync(IPage page, string name, bool fullPage = true)
    {
        Directory.CreateDirectory(Folder);
        // The finished page, not one mid-layout: fonts loaded, then two frames painted after the last change.
        // (Never "network idle": the event stream stays open for as long as the page lives.)
        await page.EvaluateAsync("() => document.fonts.ready");
        await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
    }
}
