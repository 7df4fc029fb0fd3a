using Microsoft.Playwright;

namespace LeoPass.Recovery.Console.EndToEnd.Support;

/// <summary>
/// Debian's chromium, headless, in a new empty profile, driven by Playwright — no browser is
/// downloaded. Everything the browser shows or says is collected (console messages, page errors,
/// titles, URLs, page text) so a test can assert that no secret ever appears in any of it.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How long any one condition (an element shown, a state reached, a page loaded) may take before the test fails.</summary>
    public static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowserContext _context;
    private readonly string _profile;
    private readonly List<string> _seen = [];

    private BrowserSession(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        _context = context;
        _profile = profile;
    }

    public Uri BaseAddress { get; private init; } = null!;

    /// <summary>Console messages and page errors, in order.</summary>
    public List<string> ConsoleMessages { get; } = [];

    public static async Task<BrowserSession> StartAsync(Uri baseAddress)
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium");
        // Waits are on conditions, never on the clock; these only bound how long a condition may take on a
        // loaded 2-core CI machine (a WebAssembly start can take several seconds there) before the test fails.
        Assertions.SetDefaultExpectTimeout((float)ConditionTimeout.TotalMilliseconds);
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("leopass-chromium-").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = Arguments,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            BaseURL = baseAddress.ToString(),
        });
        context.SetDefaultTimeout((float)ConditionTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)ConditionTimeout.TotalMilliseconds);
        return new BrowserSession(playwright, context, profile) { BaseAddress = baseAddress };
    }

    /// <summary>A new tab: its own sessionStorage, so a new sign-in. Everything it shows is watched.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var page = await _context.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        page.Console += (_, message) => { lock (ConsoleMessages) ConsoleMessages.Add($"{message.Type}: {message.Text}"); };
        page.PageError += (_, error) => { lock (ConsoleMessages) ConsoleMessages.Add($"pageerror: {error}"); };
        page.FrameNavigated += (_, frame) => Record($"url {frame.Url}");
        page.Request += (_, request) => Record($"request {request.Url}");
        return page;
    }

    /// <summary>Opens the console at a path and signs in with the token, as a person types it.</summary>
    public async Task<IPage> SignInAsync(string token, string path = "/", int width = 1280, int height = 800)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync(path);
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("header.topbar").WaitForAsync();
        await WatchAsync(page);
        return page;
    }

    /// <summary>Every URL the browser has requested so far, in order.</summary>
    public IReadOnlyList<string> RequestedUrls
    {
        get
        {
            lock (_seen) return [.. _seen.Where(s => s.StartsWith("request ", StringComparison.Ordinal)).Select(s => s["request ".Length..])];
        }
    }

    /// <summary>Records what the page shows now: its title, URL and text.</summary>
    public async Task WatchAsync(IPage page)
    {
        Record($"title {await page.TitleAsync()}");
        Record($"url {page.Url}");
        Record($"text {await page.Locator("body").InnerTextAsync()}");
    }

    /// <summary>Fails naming where a secret appeared: page text, title, URL, request or console message.</summary>
    public void AssertNothingLeaked(IEnumerable<string> secrets)
    {
        List<string> all;
        lock (_seen) all = [.. _seen];
        lock (ConsoleMessages) all.AddRange(ConsoleMessages.Select(m => $"console {m}"));
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            var leak = all.FirstOrDefault(text => text.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a secret ({secret[..Math.Min(6, secret.Length)]}…) appeared in: {leak?[..Math.Min(200, leak.Length)]}");
        }
        Assert.DoesNotContain(all, text => text.StartsWith("url ", StringComparison.Ordinal) && text.Contains("lpr_", StringComparison.Ordinal));
    }

    private void Record(string text)
    {
        lock (_seen) _seen.Add(text);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        _playwright.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
