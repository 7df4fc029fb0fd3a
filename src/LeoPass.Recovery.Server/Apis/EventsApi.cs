using System.Text.Json;
using LeoPass.Recovery.Server.Events;
using LeoPass.Recovery.Server.Roles;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>
/// /api/events: server-sent events, one <c>run</c> event per change of any run
/// (<c>{"runId","definition","state","updatedAt"}</c>), a comment every
/// <see cref="KeepAliveInterval"/> so proxies keep the connection, and an end when the server stops.
/// Clients send the bearer token in the header (EventSource cannot, so the console reads the stream with fetch).
/// </summary>
public static class EventsApi
{
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static RouteHandlerBuilder MapEventsApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/events", StreamAsync).WithName("StreamRunEvents").WithTags("Runs").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("Server-sent events: a 'run' event {runId, definition, state, updatedAt} for every change of any run, on any node")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    public static async Task StreamAsync(HttpContext http, RunChangeFeed feed, IHostApplicationLifetime lifetime)
    {
        // Shutdown ends the stream: an open console must not hold the server's stop.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        using var subscription = feed.Subscribe();
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        // nginx and similar proxies would otherwise hold events back in a buffer.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.WriteAsync("retry: 3000\n\nevent: ready\ndata: {}\n\n", stop.Token);
            await response.Body.FlushAsync(stop.Token);
            while (!stop.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                keepAlive.CancelAfter(KeepAliveInterval);
                bool more;
                try
                {
                    more = await subscription.Changes.WaitToReadAsync(keepAlive.Token);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                    continue;
                }
                if (!more) return;
                while (subscription.Changes.TryRead(out var change))
                {
                    await response.WriteAsync($"event: run\ndata: {JsonSerializer.Serialize(change, JsonSerializerOptions.Web)}\n\n", stop.Token);
                }
                await response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the server is stopping: the stream simply ends.
        }
    }
}
