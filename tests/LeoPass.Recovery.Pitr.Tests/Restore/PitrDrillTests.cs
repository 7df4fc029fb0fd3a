using System.Globalization;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Apis;
using LeoPass.Recovery.TestSupport;
using LeoPass.Recovery.Pitr.Tests.Support;
using LeoPass.Recovery.Backup.Artefacts;

using LeoPass.Recovery.Runbook.Watchdog;
using LeoPass.Recovery.Server.Metrics;

namespace LeoPass.Recovery.Pitr.Tests.Restore;

public sealed class PitrDrillTests
{
    [Fact]
    public async Task A_drill_to_a_time_between_two_markers_has_the_first_and_not_the_second_and_a_drill_to_the_latest_point_has_both()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 5);
        bed.RecordMarkersInSmokeTest();
        var node = await bed.StartServerNodeAsync();
        var baseBackup = await PitrTestBed.RunAsync(node, "base-backup");
        Assert.True(baseBackup.State == RunState.Succeeded, PitrTestBed.Steps(baseBackup));

        await bed.InsertMarkerAsync("A");
        var target = await bed.Source.NowAsync();
        var committedB = await bed.InsertMarkerAsync("B");
        Assert.True(committedB > target);
        // B's WAL must be shipped for "latest" to include it: wait for the segment that holds it.
        var lsnOfB = Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"));
        await bed.WaitForSegmentAsync(s => s.EndLsn > (long)lsnOfB.Value, TimeSpan.FromSeconds(90), $"holding {lsnOfB}");

        var toTarget = await PitrTestBed.RunAsync(node, "pitr-drill", new() { ["target"] = target.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) });
        Assert.True(toTarget.State == RunState.Succeeded, PitrTestBed.Steps(toTarget));
        Assert.Equal("A", bed.MarkersSeenBy(toTarget.Id));
        var restore = JsonNode.Parse(toTarget.Steps.Single(s => s.StepId == "restore").Output!)!;
        Assert.Contains("stopped before the first transaction committed after the target", restore["targetReached"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, restore["timeline"]!.GetValue<int>());

        var toLatest = await PitrTestBed.RunAsync(node, "pitr-drill");
        Assert.True(toLatest.State == RunState.Succeeded, PitrTestBed.Steps(toLatest));
        Assert.Equal("A,B", bed.MarkersSeenBy(toLatest.Id));
        Assert.Contains("replayed the newest shipped segment", JsonNode.Parse(toLatest.Steps.Single(s => s.StepId == "restore").Output!)!["targetReached"]!.GetValue<string>(), StringComparison.Ordinal);

        // Nothing restored outlives a drill: its cluster is stopped and its directory gone.
        Assert.Empty(Directory.GetDirectories(bed.Variables["RESTORE_WORK_DIR"]!, "pitr-run-*"));

        // The window is where responders look: GET /api/status, whose last drill is now this one, and `backup list`.
        var status = (await StatusApi.GetStatus(node.Get<BackupCatalogue>(), node.Get<RunQueries>(), node.Get<DefinitionCatalog>(), node.Get<RunReportBuilder>(), node.Get<LeoPass.Recovery.Runbook.Prediction.RtoPredictor>(),
            node.Get<RestoreWindowQuery>(), node.Get<TimeProvider>(), CancellationToken.None)).Value!;
        Assert.StartsWith("restore to any second from ", status.PointInTime!.Description, StringComparison.Ordinal);
        Assert.True(status.PointInTime.From <= target && status.PointInTime.To >= committedB, status.PointInTime.Description);
        Assert.Equal("pitr-drill", status.Drill.Definition);
        var list = await CliRunner.RunAsync(bed.Variables, TimeSpan.FromMinutes(3), "backup", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using var listed = System.Text.Json.JsonDocument.Parse(list.StandardOutput);
        Assert.Equal(status.PointInTime.From, listed.RootElement.GetProperty("restoreWindow").GetProperty("from").GetDateTimeOffset());

        // Between drills the RPO counts from the newest shipped WAL, not from last night's dump; the WAL watch is calm.
        var point = await node.Get<RpoWatch>().NewestAsync(CancellationToken.None);
        Assert.True(point is not null && point.Description.StartsWith("WAL up to segment ", StringComparison.Ordinal) && point.At >= committedB, point?.ToString());
        var now = node.Get<TimeProvider>().GetUtcNow();
        var wal = await node.Get<IEnumerable<IWatch>>().Single(w => w.Name == "wal").ReadAsync(now, now, CancellationToken.None);
        Assert.True(wal.Level == WatchLevel.Ok, wal.Headline);
        // /metrics: the live RPO and the window's ends, as the status API gives them.
        using var exported = new MemoryStream();
        // The node has no HTTP: the server's collector, built on this node's services, reads what /metrics would.
        var collector = new RecoveryMetrics(Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<RecoveryMetrics.Services>(node.Services));
        await collector.Registry.CollectAndExportAsTextAsync(exported);
        var metrics = System.Text.Encoding.UTF8.GetString(exported.ToArray()).Split('\n');
        double Gauge(string name) => double.Parse(metrics.Single(l => l.StartsWith(name + "{", StringComparison.Ordinal)).Split(' ')[^1], CultureInfo.InvariantCulture);
        Assert.InRange(Gauge("leopass_wal_newest_shipped_age_seconds"), 0, 300);
        Assert.Equal(status.PointInTime.From!.Value.ToUnixTimeMilliseconds() / 1000.0, Gauge("leopass_restore_window_start_timestamp_seconds"), 3);
        Assert.Equal(0, Gauge("leopass_wal_gaps"));
    }
}
