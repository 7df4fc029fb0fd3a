using LeoPass.Recovery.Server.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Server.WebConsole;

/// <summary>
/// The responder console (src/LeoPass.Recovery.Console, Blazor WebAssembly) served at / by the
/// same host as the API: same origin, nothing from a CDN, so it works on an isolated network.
/// Its files are the static web assets the publish step puts in wwwroot with their endpoints
/// manifest (fingerprinted names cached for good, brotli/gzip chosen per request). The console's
/// page addresses answer index.html, so a deep link (/runs/42, /backups/leopass-….dump.zst.pgp)
/// works on reload. They are routes of their own, not a catch-all fallback: the server's own paths
/// (/api, /health, /openapi, /docs) keep their 404 problem details and 405s, and a missing file
/// stays a 404.
/// </summary>
public static class ConsoleHosting
{
    public const string IndexFile = "index.html";

    /// <summary>The console's own publish manifest, beside the program (the CLI's publish puts it there).</summary>
    public const string EndpointsManifest = "LeoPass.Recovery.Console.staticwebassets.endpoints.json";

    /// <summary>The console's page addresses (its router's routes, src/LeoPass.Recovery.Console/*Page.razor): a new page adds its routes here.</summary>
    public static readonly IReadOnlyList<string> Pages = ["/", "/runs", "/runs/{**rest}", "/backups", "/backups/{**rest}", "/workflows", "/workflows/{**rest}"];

    public static WebApplicationBuilder AddRecoveryConsole(this WebApplicationBuilder builder)
    {
        // The live updates behind /api/events: one poll loop per process, running only while a console listens.
        builder.Services.AddSingleton<RunChangeFeed>();
        return builder;
    }

    public static WebApplication MapRecoveryConsole(this WebApplication app)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, EndpointsManifest);
        if (!File.Exists(manifest) || app.Environment.WebRootFileProvider.GetFileInfo(IndexFile) is not { Exists: true })
        {
            // A host built from sources without publishing (unit tests) has the API only.
            app.Logger.LogInformation("the responder console is not part of this build ({Manifest} or wwwroot/{Index} missing); the API is served without it", manifest, IndexFile);
            return app;
        }
        app.MapStaticAssets(manifest).ExcludeFromDescription();
        foreach (var page in Pages) app.MapMethods(page, [HttpMethods.Get, HttpMethods.Head], ServeIndexAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task ServeIndexAsync(HttpContext http)
    {
        var index = http.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider.GetFileInfo(IndexFile);
        var headers = http.Response.Headers;
        headers.ContentType = "text/html; charset=utf-8";
        // The page names the fingerprinted files of this build: always ask again, so a new version is picked up at once.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // The token the console holds may only travel to this origin; nothing is framed, no plugins.
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";
        if (HttpMethods.IsHead(http.Request.Method)) return;
        await using var stream = index.CreateReadStream();
        await stream.CopyToAsync(http.Response.Body, http.RequestAborted);
    }
}
