using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.TestSupport;

/// <summary>What <see cref="S3FaultProxy"/> does to a request a rule matches.</summary>
public enum InjectedFault
{
    /// <summary>Answers 500 InternalError without forwarding: the server never saw the request.</summary>
    InternalServerError,
    /// <summary>Drops the connection without forwarding or answering.</summary>
    ResetBeforeForwarding,
    /// <summary>Forwards the request, then drops the connection instead of answering: the server did the work, the client never hears of it.</summary>
    ResetAfterForwarding,
}

/// <summary>
/// An HTTP proxy (Kestrel, so a dropped connection is really dropped) in front of a real S3-compatible server (s3rver) that records every request and
/// can break chosen ones: a 500 or a dropped connection on the Nth UploadPart, on
/// CompleteMultipartUpload, on a manifest's PutObject. Optionally it also plays the parts of
/// S3 that s3rver lacks: conditional writes (<c>If-None-Match: *</c> answered 412 when the key is
/// taken, atomically per key) and Object Lock (the retention a write asked for is reported by
/// HEAD and GET, and a DELETE before it ends is refused as AWS refuses it).
/// </summary>
public sealed class S3FaultProxy : IAsyncDisposable
{
    private readonly Uri _upstream;
    private readonly WebApplication _app;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };
    private readonly ConcurrentQueue<S3Request> _requests = new();
    private readonly List<FaultRule> _rules = [];
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Mode, DateTimeOffset Until)> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Mode, DateTimeOffset Until)> _pendingLocks = new(StringComparer.Ordinal);

    private S3FaultProxy(Uri upstream, bool enforceConditionalWrites, bool emulateObjectLock)
    {
        _upstream = upstream;
        EnforcesConditionalWrites = enforceConditionalWrites;
        EmulatesObjectLock = emulateObjectLock;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <param name="enforceConditionalWrites">Answer <c>If-None-Match: *</c> on a taken key with 412, as AWS S3 does (s3rver ignores it).</param>
    /// <param name="emulateObjectLock">Report the Object Lock retention a write asked for, and refuse a DELETE before it ends (s3rver ignores lock headers).</param>
    public static async Task<S3FaultProxy> StartAsync(Uri upstream, bool enforceConditionalWrites = false, bool emulateObjectLock = false)
    {
        var proxy = new S3FaultProxy(upstream, enforceConditionalWrites, emulateObjectLock);
        await proxy._app.StartAsync();
        var address = proxy._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        proxy.Endpoint = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return proxy;
    }

    public Uri Endpoint { get; private set; } = null!;
    public bool EnforcesConditionalWrites { get; }
    public bool EmulatesObjectLock { get; }

    public IReadOnlyList<S3Request> Requests => [.. _requests];

    /// <summary>"Now" for the Object Lock emulation: whether a retention has ended.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Faults injected so far.</summary>
    public int InjectedCount => Volatile.Read(ref _injected);
    private int _injected;

    /// <summary>Called for every request before any fault or forwarding (e.g. to kill a process when the second part arrives).</summary>
    public Func<S3Request, Task>? OnRequest { get; set; }

    /// <summary>Breaks the next <paramref name="times"/> requests that <paramref name="match"/> accepts (int.MaxValue: all of them).</summary>
    public void Inject(Func<S3Request, bool> match, InjectedFault fault, int times = 1)
    {
        lock (_rules) _rules.Add(new FaultRule(match, fault, times));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var request = Describe(context.Request, target, body.Length);
        _requests.Enqueue(request);
        if (OnRequest is { } hook) await hook(request);

        var fault = TakeFault(request);
        if (fault == InjectedFault.InternalServerError)
        {
            await AnswerErrorAsync(context.Response, 500, "InternalError", "fault injected by S3FaultProxy");
            return;
        }
        if (fault == InjectedFault.ResetBeforeForwarding)
        {
            context.Abort();
            return;
        }

        var keyLock = EnforcesConditionalWrites && request.CreatesObject && request.Header("If-None-Match") == "*"
            ? _keyLocks.GetOrAdd(request.Bucket + "/" + request.Key, _ => new SemaphoreSlim(1, 1))
            : null;
        if (keyLock is not null) await keyLock.WaitAsync();
        try
        {
            if (keyLock is not null && await ExistsUpstreamAsync(request))
            {
                await AnswerErrorAsync(context.Response, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                return;
            }
            if (EmulatesObjectLock && request.IsDelete && _locks.TryGetValue(request.Bucket + "/" + request.Key, out var held) && held.Until > Clock.GetUtcNow())
            {
                await AnswerErrorAsync(context.Response, 403, "AccessDenied", "Access Denied because object protected by object lock.");
                return;
            }
            using var upstream = await ForwardAsync(context.Request, target, body);
            if (fault == InjectedFault.ResetAfterForwarding)
            {
                context.Abort();
                return;
            }
            RememberLock(request, upstream);
            await RelayAsync(request, upstream, context.Response);
        }
        finally
        {
            keyLock?.Release();
        }
    }

    private InjectedFault? TakeFault(S3Request request)
    {
        lock (_rules)
        {
            var rule = _rules.FirstOrDefault(r => r.Remaining > 0 && r.Match(request));
            if (rule is null) return null;
            if (rule.Remaining != int.MaxValue) rule.Remaining--;
            Interlocked.Increment(ref _injected);
            return rule.Fault;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static S3Request Describe(HttpRequest request, string target, long bodyLength)
    {
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? target : target[..queryStart];
        var query = queryStart < 0 ? "" : target[queryStart..];
        var segments = path.TrimStart('/').Split('/', 2);
        var bucket = Uri.UnescapeDataString(segments[0]);
        var key = segments.Length > 1 ? Uri.UnescapeDataString(segments[1]) : "";
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new S3Request(request.Method, bucket, key, query, headers, bodyLength);
    }

    private async Task<bool> ExistsUpstreamAsync(S3Request request)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(_upstream, "/" + Uri.EscapeDataString(request.Bucket) + "/" + EscapeKey(request.Key)));
        using var answer = await _client.SendAsync(head);
        return answer.StatusCode == HttpStatusCode.OK;
    }

    private static string EscapeKey(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Expect", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Content-Length",
    };

    private async Task<HttpResponseMessage> ForwardAsync(HttpRequest request, string target, byte[] body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream, target));
        if (body.Length > 0 || request.Method is "PUT" or "POST") message.Content = new ByteArrayContent(body);
        foreach (var (name, value) in request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!message.Headers.TryAddWithoutValidation(name, value.ToString())) message.Content?.Headers.TryAddWithoutValidation(name, value.ToString());
        }
        return await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
    }

    private async Task RelayAsync(S3Request request, HttpResponseMessage upstream, HttpResponse response)
    {
        response.StatusCode = (int)upstream.StatusCode;
        foreach (var (name, values) in upstream.Headers.Concat(upstream.Content.Headers))
        {
            if (!HopByHop.Contains(name)) response.Headers[name] = string.Join(", ", values);
        }
        if (EmulatesObjectLock && (request.IsHead || request.Method == "GET") && _locks.TryGetValue(request.Bucket + "/" + request.Key, out var held))
        {
            response.Headers["x-amz-object-lock-mode"] = held.Mode;
            response.Headers["x-amz-object-lock-retain-until-date"] = held.Until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        var content = await upstream.Content.ReadAsByteArrayAsync();
        response.ContentLength = request.IsHead ? upstream.Content.Headers.ContentLength ?? 0 : content.Length;
        if (!request.IsHead) await response.Body.WriteAsync(content);
    }

    /// <summary>Object Lock emulation: a successful write that asked for a retention holds the key until then.</summary>
    private void RememberLock(S3Request request, HttpResponseMessage upstream)
    {
        if (!EmulatesObjectLock || !upstream.IsSuccessStatusCode) return;
        var id = request.Bucket + "/" + request.Key;
        var asked = request.Header("x-amz-object-lock-mode") is { } mode
            && DateTimeOffset.TryParse(request.Header("x-amz-object-lock-retain-until-date"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until)
            ? (mode, until)
            : ((string, DateTimeOffset)?)null;
        if (request.IsPutObject && asked is { } put) _locks[id] = put;
        if (request.IsInitiateMultipartUpload && asked is { } initiated) _pendingLocks[id] = initiated;
        if (request.IsCompleteMultipartUpload && _pendingLocks.TryRemove(id, out var completed)) _locks[id] = completed;
        if (request.IsDelete) _locks.TryRemove(id, out _);
    }

    private static async Task AnswerErrorAsync(HttpResponse response, int status, string code, string message)
    {
        var xml = Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>");
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = xml.Length;
        await response.Body.WriteAsync(xml);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
        foreach (var keyLock in _keyLocks.Values) keyLock.Dispose();
    }

    private sealed class FaultRule(Func<S3Request, bool> match, InjectedFault fault, int times)
    {
        public Func<S3Request, bool> Match { get; } = match;
        public InjectedFault Fault { get; } = fault;
        public int Remaining { get; set; } = times;
    }
}
