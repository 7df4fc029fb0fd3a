using System.Net;

namespace LeoPass.Recovery.TestSupport;

/// <summary>
/// An <see cref="HttpListener"/> on a free loopback port that hands every request to a handler:
/// the part the fake HTTP services of the tests (<see cref="RecordingHttpServer"/>, <see cref="S3FaultProxy"/>) share.
/// </summary>
internal sealed class LoopbackHttpListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <param name="concurrent">Handle requests in parallel (an S3 client sends several at once) rather than one after another.</param>
    public LoopbackHttpListener(Func<HttpListenerContext, Task> handle, bool concurrent)
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(() => LoopAsync(handle, concurrent));
    }

    public int Port { get; }

    private async Task LoopAsync(Func<HttpListenerContext, Task> handle, bool concurrent)
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
            if (concurrent) _ = Task.Run(() => handle(context));
            else await handle(context);
        }
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
