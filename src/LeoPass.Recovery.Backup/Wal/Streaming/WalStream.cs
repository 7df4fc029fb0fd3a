using CliWrap;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Dump;
using LeoPass.Recovery.Backup.Pipeline;
using LeoPass.Recovery.Backup.Processes;
using Npgsql;

namespace LeoPass.Recovery.Backup.Wal.Streaming;

/// <summary>
/// The WAL stream of a server node (WAL_STREAM=1): whichever node holds the source's lease
/// (<see cref="WalStreamLease"/>) runs <c>pg_receivewal --synchronous</c> into the spool, ships
/// every complete segment in order (<see cref="WalShipper"/>), and only then lets the slot
/// release it on the source and deletes it locally. It switches WAL when the newest shipped
/// segment is older than WAL_MAX_AGE and WAL has advanced, so a quiet database still meets the
/// RPO; it alerts when the store is down (segments queue in the spool) and when the slot holds
/// more than WAL_SLOT_MAX_BYTES on the source.
/// </summary>
/// <remarks>
/// Why pg_receivewal does not stream through the slot itself: a physical slot's restart location
/// follows the receiver's flush position, so a node killed after receiving a segment and before
/// shipping it would leave the slot past WAL that exists only on its disk, and the next node would
/// start after a gap. The stream advances the slot itself, past shipped segments only, and the
/// next holder starts pg_receivewal right after the newest shipped segment
/// (<see cref="WalSpool.PrepareToContinueAfter"/>): the slot still holds everything from there on.
/// </remarks>
public sealed class WalStream(
    RecoverySettings settings, PitrCatalogue catalogue, WalShipper shipper, WalStreamAlerts alerts, TimeProvider clock, ILogger<WalStream> logger)
{
    public const string StoreDown = "store-down";
    public const string SlotTooLarge = "slot-too-large";
    public const string SourceUnreachable = "source-unreachable";

    private static readonly TimeSpan LeaseRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ShipRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReceiverRestart = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SlotCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled (the node stops): waits for the lease, streams while it holds it.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var source = settings.RequireWalSource();
        var described = PostgresConnectionString.Describe(source);
        var recovery = settings.RequireRecoveryDatabase();
        logger.LogInformation("WAL stream of {Source}: waiting for its lease (one node of the cluster streams)", described);
        while (!stoppingToken.IsCancellationRequested)
        {
            WalStreamLease? lease;
            try
            {
                lease = await WalStreamLease.TryAcquireAsync(recovery, described, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("WAL stream: cannot reach the recovery database for the lease: {Error}", e.Message);
                lease = null;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (lease is null)
            {
                await DelayAsync(LeaseRetry, stoppingToken);
                continue;
            }
            await using (lease)
            {
                logger.LogInformation("WAL stream of {Source}: this node ({Node}) holds the lease and streams", described, _node);
                try
                {
                    await StreamWhileLeasedAsync(lease, source, described, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    logger.LogWarning("WAL stream of {Source} stopped on this node: {Error}; it starts again when this node holds the lease", described, e.Message);
                    await RecordErrorAsync(described, e.Message);
                    if (e is NpgsqlException)
                    {
                        await alerts.RaiseAsync(SourceUnreachable, $"the WAL stream cannot reach the source {described}", e);
                    }
                }
            }
            await DelayAsync(ShipRetry, stoppingToken);
        }
    }

    private async Task StreamWhileLeasedAsync(WalStreamLease lease, string source, string described, CancellationToken stoppingToken)
    {
        var identity = await SourceIdentity.ReadAsync(source, stoppingToken);
        var keys = ArtefactKeys.Load(settings.Backup, clock);
        await using var sourceWal = new SourceWal(source, settings.Pitr.SlotName);
        await sourceWal.OpenAsync(stoppingToken);
        var restart = await sourceWal.EnsureSlotAsync(stoppingToken);
        alerts.Clear(SourceUnreachable, $"the source {described} answers again");

        var segmentBytes = identity.SegmentBytes;
        var spool = new WalSpool(Path.Combine(settings.Pitr.SpoolDirectory, identity.SystemIdentifier), segmentBytes);
        var newest = await catalogue.NewestSegmentAsync(identity.SystemIdentifier, stoppingToken);
        var state = new StreamProgress { NewestShipped = newest is null ? null : WalFileName.Parse(newest.FileName, segmentBytes), NewestCompletedAt = newest?.CompletedAt };
        if (state.NewestShipped is { } shipped && restart is { } held && held > shipped.EndLsn(segmentBytes))
        {
            // The slot no longer holds the segment after the newest shipped one (it was dropped and
            // made again, or advanced by hand): that WAL is gone. Say so, and stream from what exists.
            await alerts.RaiseAsync("gap", $"the source no longer has the WAL after {shipped.Name} (its slot starts at {held}): the restore window has a gap there; take a base backup",
                new BackupException($"slot {settings.Pitr.SlotName} restarts at {held}, after the end of the newest shipped segment {shipped.Name}"));
            state.NewestShipped = null;
        }

        var row = new WalStreamState { Source = described, Node = _node, LeasedAt = clock.GetUtcNow(), HeartbeatAt = clock.GetUtcNow() };
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var receiver = Task.Run(() => ReceiveAsync(source, spool, state, leaseLost.Token), CancellationToken.None);
        try
        {
            var nextShip = clock.GetUtcNow();
            var nextSlotCheck = clock.GetUtcNow();
            var nextHeartbeat = clock.GetUtcNow();
            DateTimeOffset? lastSwitch = null;
            var firstSeen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                if (!await lease.IsHeldAsync(stoppingToken)) throw new BackupException("the lease's connection to the recovery database was lost, so another node may stream now");
                if (receiver.IsCompleted) await receiver; // surfaces why it stopped
                var now = clock.GetUtcNow();

                var queue = spool.Complete().Where(f => f.File.Name != state.Placeholder).ToList();
                foreach (var (file, _) in queue) firstSeen.TryAdd(file.Name, now);
                if (queue.Count > 0 && now >= nextShip)
                {
                    var failed = await ShipQueueAsync(queue, identity, keys, sourceWal, state, firstSeen, row, stoppingToken);
                    if (failed) nextShip = now + ShipRetry;
                }
                row.QueuedSegments = spool.Complete().Count(f => f.File.Name != state.Placeholder);
                // Once a later segment shipped, pg_receivewal has long read where to start: the placeholder goes.
                if (state.Placeholder is { } placeholder && state.NewestShipped is { } newestShipped && string.CompareOrdinal(newestShipped.Name, placeholder) > 0)
                {
                    File.Delete(Path.Combine(spool.Directory, placeholder));
                    state.Placeholder = null;
                }

                var current = await sourceWal.CurrentLsnAsync(stoppingToken);
                var shippedEnd = state.NewestShipped is { IsHistory: false } n ? n.EndLsn(segmentBytes) : new Lsn(0);
                if (current <= shippedEnd)
                {
                    row.CaughtUpAt = now;
                }
                else if (row.QueuedSegments == 0 && current.Value % (ulong)segmentBytes != 0
                         && now - Max(state.NewestCompletedAt, lastSwitch) >= settings.Pitr.MaxWalAge)
                {
                    // WAL has advanced into a segment nobody will close soon: close it so it ships.
                    await sourceWal.SwitchAsync(stoppingToken);
                    lastSwitch = now;
                }

                if (now >= nextSlotCheck)
                {
                    nextSlotCheck = now + SlotCheck;
                    row.SlotRetainedBytes = await sourceWal.RetainedBytesAsync(stoppingToken);
                    await CheckSlotAsync(row.SlotRetainedBytes, described);
                }
                if (now >= nextHeartbeat)
                {
                    nextHeartbeat = now + Heartbeat;
                    row.HeartbeatAt = now;
                    await catalogue.SaveStreamStateAsync(row, stoppingToken);
                }
                await DelayAsync(Poll, stoppingToken);
            }
        }
        finally
        {
            await leaseLost.CancelAsync();
            try { await receiver; } catch (Exception e) when (e is OperationCanceledException or BackupException or InvalidOperationException) { }
        }
    }

    /// <returns>True when a file could not be shipped (the rest wait behind it, in order).</returns>
    private async Task<bool> ShipQueueAsync(
        List<(WalFileName File, string Path)> queue, SourceIdentity identity, ArtefactKeys keys, SourceWal sourceWal,
        StreamProgress state, Dictionary<string, DateTimeOffset> firstSeen, WalStreamState row, CancellationToken cancellationToken)
    {
        foreach (var (file, path) in queue)
        {
            var completedAt = firstSeen[file.Name];
            try
            {
                var shipment = await shipper.ShipAsync(path, file, identity.AsWalSource, completedAt, keys, cancellationToken);
                if (!file.IsHistory)
                {
                    await sourceWal.AdvanceSlotAsync(file.EndLsn(identity.SegmentBytes), cancellationToken);
                    state.Shipped(file, completedAt);
                }
                File.Delete(path);
                firstSeen.Remove(file.Name);
                logger.LogDebug("Shipped {File} as {Key}{Again}", file.Name, shipment.Key, shipment.AlreadyShipped ? " (already shipped)" : "");
                if (alerts.IsRaised(StoreDown))
                {
                    alerts.Clear(StoreDown, $"the store takes WAL again: shipping the {queue.Count} queued segment(s) in order");
                    row.LastError = null;
                }
            }
            catch (Exception e) when (e is BackupException or ArtefactStoreException or IOException or NpgsqlException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                row.LastError = $"shipping {file.Name}: {e.Message}";
                row.LastErrorAt = clock.GetUtcNow();
                logger.LogWarning("WAL stream: could not ship {File} ({Queued} queued locally, kept until shipped): {Error}", file.Name, queue.Count, e.Message);
                // A blip is not an alarm; a segment waiting longer than the RPO allows is.
                if (clock.GetUtcNow() - completedAt >= settings.Pitr.MaxWalAge)
                {
                    await alerts.RaiseAsync(StoreDown,
                        $"WAL cannot be shipped to {settings.Storage.Describe()}: {queue.Count} segment(s) wait in {settings.Pitr.SpoolDirectory}, the oldest since {completedAt:u}; the restore window stops at {state.NewestCompletedAt:u} until the store takes them",
                        e, new Dictionary<string, string> { ["queued_segments"] = queue.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ["oldest"] = file.Name });
                }
                return true;
            }
        }
        return false;
    }

    private async Task CheckSlotAsync(long? retained, string described)
    {
        if (retained is not { } bytes) return;
        if (bytes > settings.Pitr.SlotMaxBytes)
        {
            await alerts.RaiseAsync(SlotTooLarge,
                $"the replication slot {settings.Pitr.SlotName} holds {WalStreamAlerts.Describe(bytes)} of WAL on {described}, more than WAL_SLOT_MAX_BYTES ({WalStreamAlerts.Describe(settings.Pitr.SlotMaxBytes)}): the source's disk fills until the stream ships; check the store and the stream",
                new BackupException($"slot retains {bytes} bytes"));
        }
        else
        {
            alerts.Clear(SlotTooLarge, $"the replication slot holds {WalStreamAlerts.Describe(bytes)} again, under WAL_SLOT_MAX_BYTES");
        }
    }

    /// <summary>pg_receivewal into the spool until the lease ends; restarted after it exits (the source restarted, the network dropped).</summary>
    private async Task ReceiveAsync(string source, WalSpool spool, StreamProgress state, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            state.Placeholder = spool.PrepareToContinueAfter(state.NewestShipped);
            var stderr = new StringBuilder();
            var result = await ChildProcess.ExecuteAsync(Cli.Wrap(PostgresTools.PathOf("pg_receivewal"))
                .WithArguments(["--directory", spool.Directory, "--synchronous", "--no-loop", "--no-password", "--status-interval=1", "--verbose",
                    $"--dbname={PostgresTools.UrlWithoutPassword(source)}"])
                .WithEnvironmentVariables(PostgresTools.EnvironmentFor(source))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => { lock (stderr) { if (stderr.Length < 16_384) stderr.AppendLine(line); } }))
                .WithValidation(CommandResultValidation.None), cancellationToken);
            if (cancellationToken.IsCancellationRequested) return;
            logger.LogWarning("pg_receivewal exited with code {ExitCode}; starting it again: {Error}", result.ExitCode, ProcessErrorText.Summarise(stderr.ToString()));
            await DelayAsync(ReceiverRestart, cancellationToken);
        }
    }

    private async Task RecordErrorAsync(string described, string error)
    {
        try
        {
            var now = clock.GetUtcNow();
            await catalogue.SaveStreamStateAsync(new WalStreamState
            {
                Source = described, Node = _node, LeasedAt = now, HeartbeatAt = now, LastError = error, LastErrorAt = now,
            });
        }
        catch (Exception e) when (e is NpgsqlException or Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException)
        {
            logger.LogDebug("could not record the stream's error: {Error}", e.Message);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller's loop sees the token.
        }
    }

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b ?? DateTimeOffset.MinValue : b is null ? a.Value : a.Value > b.Value ? a.Value : b.Value;

    /// <summary>Where the stream is: the newest segment shipped in order (the receiver restarts after it), and the placeholder it put down.</summary>
    private sealed class StreamProgress
    {
        private volatile WalFileName? _newestShipped;
        private volatile string? _placeholder;

        public WalFileName? NewestShipped { get => _newestShipped; set => _newestShipped = value; }
        public DateTimeOffset? NewestCompletedAt { get; set; }
        public string? Placeholder { get => _placeholder; set => _placeholder = value; }

        public void Shipped(WalFileName file, DateTimeOffset completedAt)
        {
            NewestShipped = file;
            NewestCompletedAt = completedAt;
        }
    }
}
