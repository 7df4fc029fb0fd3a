using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace LeoPass.Recovery.TestSupport;

/// <summary>One request as the recording server saw it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Path => PathAndQuery.Split('?')[0];

    public string? Query(string name)
    {
        var query = PathAndQuery.Contains('?', StringComparison.Ordinal) ? PathAndQuery[(PathAndQuery.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (key == name) return eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }
        return null;
    }
}

/// <summary>
/// Stands in for the HTTP services that cannot run here (Uptime Kuma, Sentry, the Ops webhook,
/// Cloudflare, worker hooks): it records every request and answers with a configurable status
/// and body.
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Task _loop;

    public RecordingHttpServer()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");
    public Uri Url(string path) => new(BaseUri, path.TrimStart('/'));

    /// <summary>Status code for every answer (default 200).</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>Body for a request, by path; default "{}".</summary>
    public Func<RecordedRequest, string> Responder { get; set; } = _ => "{\"success\":true,\"ok\":true}";

    /// <summary>When set, answers every request (status and body) in place of <see cref="StatusCode"/> and <see cref="Responder"/>: a fake that keeps state (<see cref="FakeCloudflareDns"/>).</summary>
    public Func<RecordedRequest, (int Status, string Body)>? Handler { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> RequestsTo(string pathPrefix) =>
        [.. _requests.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))];

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "/", headers, body);
            _requests.Enqueue(request);
            var (status, text) = Handler is { } handler ? handler(request) : (StatusCode, Responder(request));
            var answer = Encoding.UTF8.GetBytes(text);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests matched, or times out with what was seen.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForAsync(Func<RecordedRequest, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var matched = Requests.Where(match).ToList();
            if (matched.Count >= count) return matched;
            await Task.Delay(50);
        }
        throw new TimeoutException($"expected {count} matching request(s); saw: {string.Join(", ", Requests.Select(r => r.Method + " " + r.PathAndQuery))}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        // Managed HttpListener on Linux can look its endpoint up again while closing and fail with
        // "Address already in use" when another test has meanwhile bound the freed port (seen in CI).
        // Stopping the fake is all that matters here, and it has stopped.
        catch (HttpListenerException) { }
        try { await _loop; } catch (Exception e) when (e is ObjectDisposedException or HttpListenerException) { }
    }
}
