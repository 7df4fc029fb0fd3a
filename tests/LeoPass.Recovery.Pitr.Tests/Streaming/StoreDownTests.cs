using System.Diagnostics;
using System.Text.Json;
using LeoPass.Recovery.Backup.Wal;
using LeoPass.Recovery.Pitr.Tests.Support;
using LeoPass.Recovery.Backup.Artefacts;

namespace LeoPass.Recovery.Pitr.Tests.Streaming;

public sealed class StoreDownTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task With_the_store_down_for_two_minutes_segments_queue_locally_an_alert_fires_and_everything_ships_after_with_no_gap()
    {
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge: 10, s3: true);
        // One segment: the slot holds more than that on the source soon into the outage.
        bed.Variables["WAL_SLOT_MAX_BYTES"] = (16L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The watchdog's WAL watch: nothing shipped for a minute of the outage is a breach.
        bed.Variables["WAL_RPO_TARGET"] = "60s";
        bed.Variables["LEOPASS_WATCHDOG_INTERVAL"] = "5s";
        await bed.StartServerNodeAsync();
        await bed.Source.ExecuteAsync("CREATE TABLE load (id bigserial PRIMARY KEY, payload text NOT NULL)");
        var before = await bed.WaitForSegmentAsync(_ => true, TimeSpan.FromSeconds(120), "before the outage");

        await bed.S3!.StopAsync();
        var spool = Path.Combine(bed.Variables["WAL_SPOOL_DIR"]!, await bed.Source.ScalarAsync<string>("SELECT system_identifier::text FROM pg_control_system()"));
        var outage = Stopwatch.StartNew();
        var maxQueued = 0;
        while (outage.Elapsed < Outage)
        {
            // Writes continue: enough to fill more than a segment over the outage, besides the stream's switches.
            await bed.Source.ExecuteAsync("INSERT INTO load (payload) SELECT repeat(md5(random()::text), 8) FROM generate_series(1, 2000)");
            maxQueued = Math.Max(maxQueued, Directory.GetFiles(spool).Count(f => WalFileName.TryParse(Path.GetFileName(f), 16L << 20, out var w) && !w!.IsHistory && new FileInfo(f).Length == 16L << 20));
            await Task.Delay(1000);
        }
        var lastWritten = Lsn.Parse(await bed.Source.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text"));
        Assert.True(maxQueued >= 2, $"only {maxQueued} complete segment(s) waited in the spool during the outage");
        // Each alarm once for the whole outage, not once per failed attempt: the store, and the slot growing on the source.
        var alerts = Ops(bed, "wal-stream");
        Assert.All(alerts, a => Assert.Equal("failed", a.GetProperty("status").GetString()));
        Assert.Single(alerts, a => a.GetProperty("summary").GetString()!.StartsWith("WAL cannot be shipped", StringComparison.Ordinal));
        Assert.Single(alerts, a => a.GetProperty("summary").GetString()!.StartsWith("the replication slot leopass holds", StringComparison.Ordinal));
        // The watchdog saw the live RPO pass WAL_RPO_TARGET, once, and named the stream's error.
        var breach = Assert.Single(Ops(bed, "wal-watchdog"), a => a.GetProperty("status").GetString() == "failed");
        Assert.StartsWith("WAL RPO breached: the newest shipped WAL (", breach.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("cannot ship; its last error:", breach.GetProperty("summary").GetString(), StringComparison.Ordinal);

        await bed.S3.StartAsync();
        await bed.WaitForSegmentAsync(s => s.EndLsn > (long)lastWritten.Value, TimeSpan.FromMinutes(3), $"holding {lastWritten}, written during the outage");
        var numbers = (await bed.Catalogue().ListSegmentsAsync()).Select(s => s.SegmentNumber!.Value).ToList();
        Assert.Contains(before.SegmentNumber!.Value, numbers);
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + i), numbers);
        // ...and tells people once that it is over.
        await WaitUntilAsync(() => Ops(bed, "wal-watchdog").Any(a => a.GetProperty("status").GetString() == "recovered"), TimeSpan.FromSeconds(60));
        Assert.Single(Ops(bed, "wal-watchdog"), a => a.GetProperty("status").GetString() == "failed");
        // Nothing shipped is kept locally; only the segment being written is still there.
        await WaitUntilAsync(() => Directory.GetFiles(spool).Count(f => !f.EndsWith(".partial", StringComparison.Ordinal)) <= 1, TimeSpan.FromSeconds(60));
    }

    private static List<JsonElement> Ops(PitrTestBed bed, string job) =>
        bed.Http.RequestsTo("/ops").Select(r => JsonDocument.Parse(r.Body).RootElement).Where(a => a.GetProperty("job").GetString() == job).ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(250);
        }
    }
}
