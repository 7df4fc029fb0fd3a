using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Core.Targets;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Runbook.Prediction;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Runbook.Watchdog;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LeoPass.Recovery.Server.Metrics;

/// <summary>
/// What /metrics publishes, named like the exporters SREs already alert on (pgbackrest_exporter's
/// <c>*_since_last_completion_seconds</c>, <c>*_last_duration_seconds</c>) with a <c>leopass_</c>
/// prefix. The gauges are read from the recovery database at each scrape, so every node reports
/// the cluster's truth (aggregate with <c>max</c> across instances); the step-duration histogram
/// counts the attempts this node executed (aggregate with <c>sum</c>).
/// </summary>
/// <remarks>
/// An age with nothing to measure is +Inf, never 0: "no backup" must look worse than any backup,
/// and a rule such as <c>leopass_backup_since_last_completion_seconds &gt; 86400</c> then fires.
/// </remarks>
public sealed class RecoveryMetrics
{
    private static readonly string[] Database = ["database"];

    private readonly Gauge _sinceCompletion, _sinceRestoreVerified, _recoveryPointAge, _lastDuration, _lastDumpBytes, _lastStoredBytes;
    private readonly Gauge _backupRuns, _drillRto, _drillRpo, _rtoTarget, _rpoTarget, _runs, _halted, _waiting, _haltedLongest, _nodesAlive;
    private readonly Gauge _rtoPredicted, _rtoPredictedDownload, _rtoPredictedRestore, _watchLevel, _collectOk;
    private readonly Gauge _walAge, _walRpoTarget, _walGaps, _walQueued, _walSlotBytes, _windowFrom, _windowTo;
    private readonly Services _services;

    /// <summary>Where the collector reads from, resolved once.</summary>
    public sealed record Services(BackupCatalogue Catalogue, RunStatistics Statistics, RunQueries Runs, DefinitionCatalog Definitions, RunReportBuilder Reports,
        RtoPredictor Predictor, RpoWatch Rpo, RestoreWindowQuery Windows, ClusterNodes Nodes, RecoverySettings Settings, TimeProvider Clock, ILogger<RecoveryMetrics> Logger);

    public RecoveryMetrics(Services services)
    {
        _services = services;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        Gauge G(string name, string help, params string[] labels) => f.CreateGauge(name, help, labels);

        _sinceCompletion = G("leopass_backup_since_last_completion_seconds", "Seconds since the newest verified backup completed (manifest written); +Inf with none", Database);
        _sinceRestoreVerified = G("leopass_backup_since_last_restore_verified_seconds", "Seconds since the snapshot of the newest backup a restore proved (restore verification); +Inf with none", Database);
        _recoveryPointAge = G("leopass_recovery_point_age_seconds", "Seconds since the newest recovery point's snapshot: the data a restore now would lose (the RPO in use); +Inf with none", Database);
        _lastDuration = G("leopass_backup_last_duration_seconds", "How long the newest verified backup's pg_dump held its snapshot", Database);
        _lastDumpBytes = G("leopass_backup_last_dump_bytes", "Size of the newest verified backup as pg_dump wrote it", Database);
        _lastStoredBytes = G("leopass_backup_last_stored_bytes", "Size of the newest verified backup as stored (compressed, encrypted)", Database);
        _backupRuns = G("leopass_backup_runs", "Runs of the backup definition by outcome (succeeded, halted, aborted, running, waiting, pending)", "definition", "outcome");
        _drillRto = G("leopass_drill_last_rto_seconds", "RTO of the last successful run of each restore definition (drills, incident restores)", "definition");
        _drillRpo = G("leopass_drill_last_rpo_seconds", "RPO of the last successful run of each restore definition", "definition");
        _rtoTarget = G("leopass_rto_target_seconds", "The RTO target");
        _rpoTarget = G("leopass_rpo_target_seconds", "The RPO target");
        _runs = G("leopass_runs", "Runs by definition and state", "definition", "state");
        _halted = G("leopass_runs_halted", "Runs halted, waiting for a responder");
        _waiting = G("leopass_runs_waiting_at_gate", "Runs waiting for a person at an approval gate");
        _haltedLongest = G("leopass_run_halted_longest_seconds", "How long the longest-halted run has waited for a responder; 0 with none");
        _nodesAlive = G("leopass_engine_nodes_alive", "Engine nodes whose cluster check-in is recent");
        _rtoPredicted = G("leopass_rto_predicted_seconds", "Predicted RTO of restoring the newest verified backup, from measured download and restore throughput; absent before the first samples", Database);
        _rtoPredictedDownload = G("leopass_rto_predicted_download_seconds", "The download part of the predicted RTO", Database);
        _rtoPredictedRestore = G("leopass_rto_predicted_restore_seconds", "The restore part of the predicted RTO", Database);
        _watchLevel = G("leopass_watchdog_level", "The watchdog's last level per watch: 0 ok, 1 warning, 2 breach", "watch");
        _walAge = G("leopass_wal_newest_shipped_age_seconds", "Seconds since the newest shipped WAL: the live RPO of a point-in-time restore; +Inf while streamed but nothing shipped; absent when WAL is not streamed", Database);
        _walRpoTarget = G("leopass_wal_rpo_target_seconds", "WAL_RPO_TARGET: the RPO the WAL stream promises");
        _walGaps = G("leopass_wal_gaps", "Segments missing between shipped ones (the restore window starts after the newest gap)", Database);
        _walQueued = G("leopass_wal_queued_segments", "Complete segments waiting in the streaming node's spool to be shipped", Database);
        _walSlotBytes = G("leopass_wal_slot_retained_bytes", "WAL the replication slot holds back on the source", Database);
        _windowFrom = G("leopass_restore_window_start_timestamp_seconds", "Unix time of the earliest moment a point-in-time restore reaches; absent without a window", Database);
        _windowTo = G("leopass_restore_window_end_timestamp_seconds", "Unix time of the newest moment a point-in-time restore reaches; absent without a window", Database);
        _collectOk = G("leopass_metrics_collect_ok", "1 when the last scrape read the recovery database; 0 when it could not (the other values are then stale)");
        StepDuration = f.CreateHistogram("leopass_step_duration_seconds", "Work time of each step attempt this node executed, by definition, step and outcome",
            new HistogramConfiguration { LabelNames = ["definition", "step", "outcome"], Buckets = Histogram.ExponentialBuckets(0.5, 2, 16) });
        Registry.AddBeforeCollectCallback(CollectAsync);
    }

    public CollectorRegistry Registry { get; }

    public Histogram StepDuration { get; }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CollectBackupsAsync(cancellationToken);
            await CollectWalAsync(cancellationToken);
            await CollectRunsAsync(cancellationToken);
            _collectOk.Set(1);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _collectOk.Set(0);
            _services.Logger.LogWarning("metrics: could not read the recovery database: {Error}", e.Message);
        }
    }

    private async Task CollectBackupsAsync(CancellationToken cancellationToken)
    {
        var (catalogue, clock) = (_services.Catalogue, _services.Clock);
        var now = clock.GetUtcNow();
        var latest = await catalogue.LatestVerifiedAsync(cancellationToken);
        var proven = await catalogue.LatestRestoreVerifiedAsync(cancellationToken);
        var point = await _services.Rpo.NewestAsync(cancellationToken);
        // The series is named after the database backed up; before the first backup, after DATABASE_URL's.
        var database = latest?.DatabaseName ?? (_services.Settings.SourceDatabase is { } source ? PostgresConnectionString.DatabaseOf(source) : "");
        _sinceCompletion.WithLabels(database).Set(latest is null ? double.PositiveInfinity : (now - latest.CreatedAt).TotalSeconds);
        _sinceRestoreVerified.WithLabels(database).Set(proven is null ? double.PositiveInfinity : (now - proven.SnapshotStartedAt).TotalSeconds);
        _recoveryPointAge.WithLabels(database).Set(point is null ? double.PositiveInfinity : (now - point.At).TotalSeconds);
        if (latest is not null)
        {
            _lastDuration.WithLabels(database).Set((latest.SnapshotEndedAt - latest.SnapshotStartedAt).TotalSeconds);
            _lastDumpBytes.WithLabels(database).Set(latest.DumpBytes);
            _lastStoredBytes.WithLabels(database).Set(latest.StoredBytes);
        }
        if (await _services.Predictor.PredictAsync(cancellationToken) is { } prediction)
        {
            _rtoPredicted.WithLabels(database).Set(prediction.Predicted.TotalSeconds);
            _rtoPredictedDownload.WithLabels(database).Set(prediction.Download.TotalSeconds);
            _rtoPredictedRestore.WithLabels(database).Set(prediction.Restore.TotalSeconds);
        }
        foreach (var watch in await catalogue.WatchesAsync(cancellationToken))
        {
            _watchLevel.WithLabels(watch.Watch).Set(Enum.TryParse<WatchLevel>(watch.State, ignoreCase: true, out var level) ? (int)level : -1);
        }
        _rtoTarget.Set(RecoveryTargets.RecoveryTimeObjective.TotalSeconds);
        _rpoTarget.Set(RecoveryTargets.RecoveryPointObjective.TotalSeconds);
    }

    private async Task CollectWalAsync(CancellationToken cancellationToken)
    {
        var settings = _services.Settings;
        var window = await _services.Windows.GetAsync(cancellationToken);
        _walRpoTarget.Set(settings.Pitr.RpoTarget.TotalSeconds);
        if (!settings.Pitr.StreamEnabled && window.Segments == 0 && window.Stream is null) return;
        // The WAL's database is the stream's source (WAL_SOURCE_URL, else DATABASE_URL).
        var database = (settings.Pitr.SourceConnection ?? settings.SourceDatabase) is { } source ? PostgresConnectionString.DatabaseOf(source) : "";
        _walAge.WithLabels(database).Set(window.NewestShippedAge?.TotalSeconds ?? double.PositiveInfinity);
        _walGaps.WithLabels(database).Set(window.Gaps.Count);
        _walQueued.WithLabels(database).Set(window.Stream?.QueuedSegments ?? 0);
        if (window.Stream?.SlotRetainedBytes is { } retained) _walSlotBytes.WithLabels(database).Set(retained);
        if (window.IsEmpty)
        {
            // A window that closed (a gap, retention) must not go on showing its old ends.
            _windowFrom.RemoveLabelled(database);
            _windowTo.RemoveLabelled(database);
            return;
        }
        _windowFrom.WithLabels(database).Set(window.From!.Value.ToUnixTimeMilliseconds() / 1000.0);
        _windowTo.WithLabels(database).Set(window.To!.Value.ToUnixTimeMilliseconds() / 1000.0);
    }

    private async Task CollectRunsAsync(CancellationToken cancellationToken)
    {
        var counts = await _services.Statistics.CountsAsync(cancellationToken);
        var published = await _services.Definitions.ListLatestDefinitionsAsync(cancellationToken);
        // Every state of every definition, zeros included: a series that vanishes at 0 cannot be graphed or alerted on.
        foreach (var definition in published.Select(d => d.Id).Union(counts.Select(c => c.DefinitionId)))
        {
            foreach (var state in Enum.GetValues<RunState>())
            {
                _runs.WithLabels(definition, state.ToString()).Set(counts.FirstOrDefault(c => c.DefinitionId == definition && c.State == state)?.Count ?? 0);
            }
        }
        foreach (var backup in published.Where(d => d.Purpose == DefinitionPurpose.Backup))
        {
            foreach (var state in Enum.GetValues<RunState>())
            {
                _backupRuns.WithLabels(backup.Id, Outcome(state)).Set(counts.FirstOrDefault(c => c.DefinitionId == backup.Id && c.State == state)?.Count ?? 0);
            }
        }
        _halted.Set(counts.Where(c => c.State == RunState.Halted).Sum(c => c.Count));
        _waiting.Set(counts.Where(c => c.State == RunState.WaitingForApproval).Sum(c => c.Count));
        var haltedSince = await _services.Statistics.OldestHaltedSinceAsync(cancellationToken);
        _haltedLongest.Set(haltedSince is { } since ? Math.Max(0, (_services.Clock.GetUtcNow() - since).TotalSeconds) : 0);
        _nodesAlive.Set((await _services.Nodes.LiveAsync(cancellationToken)).Count);

        foreach (var definition in published.Where(d => d.Purpose is DefinitionPurpose.Drill or DefinitionPurpose.Incident))
        {
            var last = await _services.Runs.ListAsync(1, definition.Id, RunState.Succeeded, cancellationToken: cancellationToken);
            if (last.Count == 0) continue;
            var report = await _services.Reports.BuildAsync(last[0].Id, null, cancellationToken);
            if (report.RtoSeconds is { } rto) _drillRto.WithLabels(definition.Id).Set(rto);
            if (report.RpoSeconds is { } rpo) _drillRpo.WithLabels(definition.Id).Set(rpo);
        }
    }

    private static string Outcome(RunState state) => state switch
    {
        RunState.WaitingForApproval => "waiting",
        _ => state.ToString().ToLowerInvariant(),
    };
}
