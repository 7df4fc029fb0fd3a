using Stopwatch = System.Diagnostics.Stopwatch;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Reading;
using LeoPass.Recovery.Backup.Wal;
using Microsoft.Extensions.Logging;
using Npgsql;
using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Runbook.Pitr;

/// <summary>
/// `pitr.restore`: a point-in-time restore into a cluster of its own on this node. Picks the
/// newest base backup that ends before the target, extracts it (verified, decrypted) into a fresh
/// data directory, sets restore_command to this tool's `wal fetch` over a spool it fills ahead,
/// starts PostgreSQL on a free loopback port and waits for promotion — then proves the target
/// was reached (the stop record, the replayed location, the new timeline). PostgreSQL ends
/// recovery quietly when WAL is missing; here a planned segment that cannot be restored makes
/// recovery abort and the step halt naming it, and a promotion without proof halts too.
/// </summary>
public sealed class PitrRestoreActivity(
    RecoverySettings settings, PitrCatalogue catalogue, RestoreWindowQuery windows, ArtefactReader reader, WalFetcher fetcher, TimeProvider clock)
    : IActivity, IActivityDeclaration, IActivitySettingsRequirements
{
    public static ActivityDescriptor Descriptor { get; } = new("pitr.restore",
        "Restore the newest base backup before the target into a new cluster on this node, replay shipped WAL to the target (restore_command = wal fetch), promote, and prove the target was reached.",
    [
        new ActivityParameter("target", "`latest`, a UTC time (2026-12-07T14:03:05Z) or `lsn:<WAL location>`.", Default: JsonValue.Create("latest")),
    ])
    {
        Outputs =
        [
            new("key", "The base backup restored"), new("host", "Where the restored cluster listens"), new("port", "Its port"), new("database", "The restored database (DATABASE_URL's)"),
            new("directory", "The cluster's directory on this node"), new("node", "The node running it"), new("snapshotStartedAt", "The restore point reached"),
        ],
    };

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters)
    {
        if (settings.Backup.DecryptionPrivateKeyPath is null) yield return new SettingProblem("BACKUP_DECRYPTION_PRIVATE_KEY", "the private key that decrypts base backups and WAL");
        if (settings.SourceDatabase is null) yield return new SettingProblem("DATABASE_URL", "the database whose restored copy is checked (its name and role)");
        if (settings.Pitr.CliCommand is null) yield return new SettingProblem("LEOPASS_CLI", "how PostgreSQL's restore_command calls `leopass-recovery wal fetch`");
    }

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        PitrTarget target;
        try
        {
            target = PitrTarget.Parse(context.Parameters.GetString("target"));
        }
        catch (FormatException e)
        {
            throw new ActivityFailedException(e.Message, retryable: false, e);
        }
        var plan = await PlanAsync(target, cancellationToken);
        var directory = RecoveryCluster.DirectoryOf(settings.Runbook.WorkDirectory, context.RunId);
        var binDirectory = RecoveryCluster.BinDirectoryFor(plan.BaseManifest.Source.ServerVersion.Split('.', ' ')[0], settings.Node.PostgresBinDirectory);
        await context.RecordIntentAsync(
            $"restore base backup {plan.Base.Key} into {directory}, replay {plan.Segments.Count} shipped WAL segment(s) from {plan.Segments[0].FileName} to {target}, start PostgreSQL ({binDirectory}) on 127.0.0.1",
            cancellationToken);

        var cluster = await RecoveryCluster.PrepareAsync(directory, binDirectory, cancellationToken);
        try
        {
            var extractTimer = Stopwatch.StartNew();
            var baseManifest = plan.BaseManifest;
            await RunbookFailures.TranslateAsync(async () =>
            {
                await cluster.ExtractAsync(reader, new StoredArtefact(baseManifest.Key, baseManifest.Sha256, baseManifest.Sizes.StoredBytes, baseManifest.Compression,
                    baseManifest.Encryption.RecipientFingerprint, baseManifest.Sizes.TarBytes, null, "base backup tar"), cancellationToken);
                return true;
            });
            var extracted = extractTimer.Elapsed;

            var files = plan.HistoryFiles.Select(h => (h.FileName, h.Key)).Concat(plan.Segments.Select(s => (s.FileName, s.Key))).ToList();
            cluster.Spool.WritePlan([.. files.Select(f => f.FileName)]);
            var restoreCommand = $"{settings.Pitr.CliCommand} wal fetch %f %p --spool '{cluster.Spool.Directory}'";
            await cluster.ConfigureAsync(restoreCommand, target, context.RunId, cancellationToken);
            await cluster.GiveToServerUserAsync(cancellationToken);
            await cluster.CheckServerUserRunsAsync(settings.Pitr.CliCommand!, cancellationToken);

            var replayTimer = Stopwatch.StartNew();
            using var prefetchStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var prefetch = new WalPrefetch(fetcher, cluster.Spool, files, clock);
            var prefetching = Task.Run(() => prefetch.RunAsync(prefetchStop.Token), CancellationToken.None);
            ProvenTarget proof;
            try
            {
                await cluster.StartAsync(cancellationToken);
                proof = await RecoverAndProveAsync(cluster, plan, prefetch, restoreCommand, context, cancellationToken);
            }
            finally
            {
                await prefetchStop.CancelAsync();
                try { await prefetching; } catch (OperationCanceledException) { }
                // Decrypted WAL does not wait in the spool once recovery is over.
                prefetch.Clean(all: true);
            }
            var replayed = replayTimer.Elapsed;
            await catalogue.MarkBaseBackupRestoredAsync(plan.Base.Key, CancellationToken.None);
            var segmentsReplayed = plan.Segments.Count(s => cluster.Spool.IsDone(s.FileName));
            return ActivityResult.Completed(new JsonObject
            {
                ["key"] = plan.Base.Key,
                ["target"] = target.ToString(),
                ["targetReached"] = proof.How,
                ["replayedTo"] = proof.ReplayedTo.ToString(),
                ["lastCommitReplayed"] = proof.LastCommit,
                ["timeline"] = proof.Timeline,
                ["snapshotStartedAt"] = proof.RestorePoint,
                ["host"] = "127.0.0.1",
                ["port"] = cluster.Port,
                ["database"] = PostgresConnectionString.DatabaseOf(settings.RequireSourceDatabase()),
                ["directory"] = cluster.Directory,
                ["node"] = context.Identity.Node,
                ["segmentsPlanned"] = plan.Segments.Count,
                ["segmentsReplayed"] = segmentsReplayed,
                ["walBytesReplayed"] = segmentsReplayed * plan.BaseManifest.Source.SegmentBytes,
                ["baseBackupBytes"] = plan.BaseManifest.Sizes.TarBytes,
                ["extractMs"] = (long)extracted.TotalMilliseconds,
                ["replayMs"] = (long)replayed.TotalMilliseconds,
                ["durationMs"] = (long)stopwatch.Elapsed.TotalMilliseconds,
                ["window"] = plan.Window.Describe(),
            });
        }
        catch
        {
            // A failed restore leaves no server and no plaintext copy of production behind.
            await cluster.StopAsync(CancellationToken.None);
            context.Logger.LogWarning("run {RunId}: point-in-time restore failed; its server log ends: {Log}", context.RunId, cluster.TailOfLog(15));
            TryDelete(cluster, context.Logger);
            throw;
        }
    }

    /// <summary>The plan, or a refusal naming the restore window.</summary>
    public async Task<PitrPlan> PlanAsync(PitrTarget target, CancellationToken cancellationToken)
    {
        var window = await windows.GetAsync(cancellationToken);
        try
        {
            return PitrPlan.For(target, window, await catalogue.ListBaseBackupsAsync(cancellationToken),
                await catalogue.ListSegmentsAsync(cancellationToken), await catalogue.HistoryFilesAsync(cancellationToken));
        }
        catch (BackupException e)
        {
            throw new ActivityFailedException(e.Message, retryable: false, e);
        }
    }

    private sealed record ProvenTarget(string How, Lsn ReplayedTo, DateTimeOffset? LastCommit, uint Timeline, DateTimeOffset RestorePoint);

    private async Task<ProvenTarget> RecoverAndProveAsync(RecoveryCluster cluster, PitrPlan plan, WalPrefetch prefetch, string restoreCommand, ActivityContext context, CancellationToken cancellationToken)
    {
        var endedAtEndOfWal = false;
        while (true)
        {
            var promoted = await WaitForPromotionAsync(cluster, cancellationToken);
            var log = new RecoveryLog(cluster.ReadLog());
            if (promoted) return await ProveAsync(cluster, plan, log, endedAtEndOfWal, cancellationToken);

            if (log.FailedToRestore is { } failed || prefetch.Missing is not null)
            {
                var name = log.FailedToRestore ?? prefetch.Missing!.Value.Name;
                var reason = cluster.Spool.MissingReason(name) ?? prefetch.Missing?.Reason ?? "restore_command failed";
                throw new ActivityFailedException(
                    $"recovery stopped at WAL segment {name}, which cannot be restored: {reason}. PostgreSQL was stopped before promoting, so no shorter history was made; " +
                    $"the restore window is broken at {name}: restore to a point before it, or take a base backup after it", retryable: false);
            }
            var allTaken = plan.Segments.All(s => cluster.Spool.IsDone(s.FileName));
            if (log.EndedBeforeTarget && allTaken && plan.Target.Time is not null && !endedAtEndOfWal)
            {
                // Every shipped segment was replayed and no transaction committed after the target: the
                // state at the target is the state at the end of the shipped WAL. Recover to there.
                context.Logger.LogInformation("run {RunId}: no transaction committed after {Target} in the shipped WAL; recovering to its end", context.RunId, plan.Target);
                await context.RecordIntentAsync($"no transaction committed after {plan.Target} in the {plan.Segments.Count} shipped segment(s): recover to the end of the shipped WAL, which is the state at the target", cancellationToken);
                await cluster.RetargetAsync(restoreCommand, PitrTarget.Latest, plan.Target, context.RunId, cancellationToken);
                await cluster.StartAsync(cancellationToken);
                endedAtEndOfWal = true;
                continue;
            }
            throw new ActivityFailedException(
                $"PostgreSQL stopped before reaching {plan.Target} ({string.Join("; ", log.Fatal.TakeLast(3))}); {plan.Segments.Count(s => cluster.Spool.IsDone(s.FileName))} of {plan.Segments.Count} planned segment(s) were replayed. Server log: {cluster.LogFile}",
                retryable: false);
        }
    }

    /// <returns>True once the server is out of recovery; false when it stopped first.</returns>
    private async Task<bool> WaitForPromotionAsync(RecoveryCluster cluster, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var connection = cluster.ConnectionFor(settings.RequireSourceDatabase());
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // pg_ctl returns before the server writes its pid file: give it a moment before calling it stopped.
            if (!cluster.IsRunning() && started.Elapsed > TimeSpan.FromSeconds(5)) return false;
            if (await InRecoveryAsync(connection, cancellationToken) == false) return true;
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <returns>Null while the server takes no connections (still before consistency, or stopping).</returns>
    private static async Task<bool?> InRecoveryAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            return null;
        }
    }

    private async Task<ProvenTarget> ProveAsync(RecoveryCluster cluster, PitrPlan plan, RecoveryLog log, bool endedAtEndOfWal, CancellationToken cancellationToken)
    {
        var source = settings.RequireSourceDatabase();
        await using var connection = new NpgsqlConnection(cluster.ConnectionFor(source));
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand(
            "SELECT pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(), ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int", connection);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var replayed = Lsn.Parse(reader.GetString(0));
        DateTimeOffset? lastCommit = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        var timeline = (uint)reader.GetInt32(2);

        var recoveredTimeline = (uint)plan.Segments.Max(s => s.Timeline);
        if (log.NewTimeline != timeline || timeline != recoveredTimeline + 1)
        {
            throw Unproven(plan, $"the restored server is on timeline {timeline} (its log says {log.NewTimeline?.ToString(CultureInfo.InvariantCulture) ?? "none"}), not {recoveredTimeline + 1}, the one after the shipped WAL's");
        }
        var last = plan.LastSegment;
        if (plan.Target.Time is { } time)
        {
            if (lastCommit > time) throw Unproven(plan, $"it replayed a transaction committed at {lastCommit:O}, after the target");
            if (log.StoppedBeforeCommitAt is { } stop && stop > time)
            {
                return new ProvenTarget($"stopped before the first transaction committed after the target (at {stop:O})", replayed, lastCommit, timeline, time);
            }
            if (endedAtEndOfWal && replayed >= new Lsn((ulong)last.StartLsn!.Value))
            {
                return new ProvenTarget($"replayed every shipped segment to {last.FileName}; none holds a transaction committed after the target", replayed, lastCommit, timeline, time);
            }
            throw Unproven(plan, "its log shows no stop before a transaction after the target");
        }
        if (plan.Target.Location is { } location)
        {
            if (log.StoppedAfterLocation is { } stopped && stopped >= location && replayed >= location)
            {
                return new ProvenTarget($"stopped after WAL location {stopped}", replayed, lastCommit, timeline, lastCommit ?? plan.Window.To!.Value);
            }
            throw Unproven(plan, $"it replayed to {replayed}, and its log shows no stop after {location}");
        }
        if (cluster.Spool.IsDone(last.FileName) && replayed >= new Lsn((ulong)last.StartLsn!.Value))
        {
            return new ProvenTarget($"replayed the newest shipped segment {last.FileName} (to {replayed})", replayed, lastCommit, timeline, plan.Window.To!.Value);
        }
        throw Unproven(plan, $"it replayed to {replayed} only, short of the newest shipped segment {last.FileName}");
    }

    private static ActivityFailedException Unproven(PitrPlan plan, string why) =>
        new($"the restore to {plan.Target} promoted but its target cannot be proven: {why}. The result is not trusted; the server was stopped", retryable: false);

    private static void TryDelete(RecoveryCluster cluster, ILogger logger)
    {
        try
        {
            cluster.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("could not delete {Directory}: {Error}. It holds restored production data: delete it by hand", cluster.Directory, e.Message);
        }
    }
}
