using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// On a node that executes runs: LISTENs on <see cref="RunSignals.Channel"/> and, for its own
/// cluster, wakes the local scheduler when a run is ready (it then acquires the run's trigger at
/// once, not at its next poll) and cancels an aborted run executing here (not at the abort watch's
/// next look). The node is listening once its start completes. The connection is dedicated and
/// opened again after any failure; notifications sent while it was down are lost, so a listener
/// that comes back wakes the scheduler once to look. It lives with execution, not with the signals it
/// hears: it acts on the runs executing here (<see cref="ActiveRuns"/>), and Signals stays a leaf.
/// </summary>
public sealed class RunSignalListener(EngineConnection connection, EngineOptions options, ActiveRuns activeRuns, SchedulerWake wake, ILogger<RunSignalListener> logger)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? first = null;
        try
        {
            first = await ListenAsync(cancellationToken);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            logger.LogWarning("node {Node}: not listening for run notifications yet ({Error}); polling until it is", options.NodeId, e.Message);
        }
        _loop = Task.Run(() => LoopAsync(first, _stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Idempotent: the container disposes this instance once as a singleton and once as the hosted service it also is.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private int _disposed;

    private async Task LoopAsync(NpgsqlConnection? listening, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (listening is null)
                {
                    listening = await ListenAsync(stopping);
                    // Whatever was announced while nothing listened is found by one look now.
                    await wake.NowAsync(stopping);
                }
                while (true) await listening.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                logger.LogWarning("node {Node}: run notifications interrupted ({Error}); listening again in {Delay}, polling meanwhile", options.NodeId, e.Message, ReconnectDelay);
            }
            finally
            {
                if (listening is not null) await listening.DisposeAsync();
                listening = null;
            }
            try
            {
                await Task.Delay(ReconnectDelay, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString)
        {
            ApplicationName = $"leopass listen {options.NodeId}",
            // A dead server or network path is noticed within seconds, not at the next TCP timeout.
            KeepAlive = 5,
            Pooling = false,
        };
        var db = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await db.OpenAsync(cancellationToken);
            db.Notification += (_, e) => OnNotification(e.Payload);
            await using var listen = new NpgsqlCommand($"LISTEN {RunSignals.Channel}", db);
            await listen.ExecuteNonQueryAsync(cancellationToken);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    private void OnNotification(string payload)
    {
        if (RunSignal.Parse(payload) is not { } signal || signal.SchedulerName != options.SchedulerName) return;
        if (signal.Kind == RunSignal.Aborted)
        {
            activeRuns.Cancel(signal.RunId);
            return;
        }
        // Only wakes the scheduler thread, which does the work; never blocks the connection's reader.
        _ = wake.NowAsync().AsTask();
    }

    private static bool IsConnectionFailure(Exception e) => e is NpgsqlException or TimeoutException or IOException or InvalidOperationException;
}
