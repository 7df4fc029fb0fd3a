using System.Text.Json;
using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Auth;

namespace LeoPass.Recovery.Console.Live;

public enum LiveMode
{
    /// <summary>Not signed in: nothing is followed.</summary>
    Off,
    Connecting,
    /// <summary>The server's event stream is open: a change shows within a second.</summary>
    Live,
    /// <summary>The stream failed; pages re-read every <see cref="RunEvents.PollInterval"/> and the stream is tried again.</summary>
    Polling,
}

/// <summary>
/// Follows /api/events for the whole console while signed in and tells pages that a run changed.
/// When the stream cannot be opened or breaks (a proxy that buffers, a server restart), pages are
/// told every <see cref="PollInterval"/> to re-read instead, and the stream is tried again every
/// <see cref="ReconnectEvery"/> polls.
/// </summary>
public sealed class RunEvents(RecoveryApi api, TokenSession session) : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);
    public const int ReconnectEvery = 5;

    private CancellationTokenSource? _stop;
    private Task? _loop;

    public LiveMode Mode { get; private set; } = LiveMode.Off;

    /// <summary>A run changed (the event), or, while polling, null: anything may have changed.</summary>
    public event Action<RunChange?>? Changed;

    public event Action? ModeChanged;

    /// <summary>Starts following (again) for the signed-in token; a no-op while already following.</summary>
    public void Start()
    {
        if (_loop is { IsCompleted: false }) return;
        _stop = new CancellationTokenSource();
        _loop = FollowAsync(_stop.Token);
    }

    public async Task StopAsync()
    {
        if (_stop is null) return;
        await _stop.CancelAsync();
        try { if (_loop is not null) await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
        _stop = null;
        SetMode(LiveMode.Off);
    }

    private async Task FollowAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && session.IsSignedIn)
        {
            SetMode(LiveMode.Connecting);
            try
            {
                using var response = await api.StreamRunEventsAsync(stop);
                await using var body = await response.Content.ReadAsStreamAsync(stop);
                await ReadAsync(body, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ApiException e) when (e.IsUnauthorized)
            {
                SetMode(LiveMode.Off);
                return;
            }
            catch (Exception)
            {
                // The stream could not be opened or broke off: poll, then try it again.
            }
            SetMode(LiveMode.Polling);
            for (var i = 0; i < ReconnectEvery && !stop.IsCancellationRequested; i++)
            {
                try { await Task.Delay(PollInterval, stop); } catch (OperationCanceledException) { return; }
                Changed?.Invoke(null);
            }
        }
    }

    /// <summary>Server-sent events: "event:" and "data:" lines, a blank line ends an event, ":" lines are comments (keep-alives).</summary>
    private async Task ReadAsync(Stream body, CancellationToken stop)
    {
        using var reader = new StreamReader(body);
        string? name = null;
        var data = "";
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            if (line.Length == 0)
            {
                Dispatch(name, data);
                name = null;
                data = "";
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal)) name = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data += line[5..].Trim();
        }
    }

    private void Dispatch(string? name, string data)
    {
        if (name == "ready")
        {
            SetMode(LiveMode.Live);
            // Whatever changed while the stream was down is read again now.
            Changed?.Invoke(null);
        }
        else if (name == "run" && data.Length > 0)
        {
            RunChange? change = null;
            try { change = JsonSerializer.Deserialize(data, ConsoleJson.Default.RunChange); } catch (JsonException) { }
            if (change is not null) Changed?.Invoke(change);
        }
    }

    private void SetMode(LiveMode mode)
    {
        if (Mode == mode) return;
        Mode = mode;
        ModeChanged?.Invoke();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
