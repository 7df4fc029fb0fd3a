using System.Diagnostics;
using LeoPass.Recovery.Backup.Pitr;
using LeoPass.Recovery.Pitr.Tests.Support;

namespace LeoPass.Recovery.Pitr.Tests.Streaming;

/// <summary>
/// The RPO the stream promises, measured against the wall clock for three minutes (its own test
/// class, so xUnit runs it beside the others instead of after them).
/// </summary>
public sealed class SteadyLoadRpoTests
{
    private static readonly TimeSpan Measured = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Under_a_steady_write_load_the_newest_shipped_WAL_is_never_older_than_WAL_MAX_AGE_plus_30_seconds_for_three_minutes()
    {
        const int maxWalAge = 10;
        await using var bed = await PitrTestBed.CreateAsync(maxWalAge);
        var node = await bed.StartServerNodeAsync();
        await bed.Source.ExecuteAsync("CREATE TABLE load (id bigserial PRIMARY KEY, payload text NOT NULL)");
        using var stop = new CancellationTokenSource();
        var writes = 0L;
        // A steady trickle (about 20 small transactions a second): far too little to fill a segment in WAL_MAX_AGE, so the switch is what keeps the RPO.
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await bed.Source.ExecuteAsync("INSERT INTO load (payload) VALUES (repeat(md5(random()::text), 4))");
                Interlocked.Increment(ref writes);
                try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        // Measuring starts once the stream has shipped a first segment.
        await bed.WaitForSegmentAsync(_ => true, TimeSpan.FromSeconds(120), "at all");

        var windows = node.Get<RestoreWindowQuery>();
        var worst = TimeSpan.Zero;
        var samples = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Measured)
        {
            var age = (await windows.GetAsync()).NewestShippedAge!.Value;
            if (age > worst) worst = age;
            samples++;
            await Task.Delay(1000);
        }
        await stop.CancelAsync();
        await writer;

        var limit = TimeSpan.FromSeconds(maxWalAge + 30);
        Assert.True(worst <= limit, $"the newest shipped WAL was {worst.TotalSeconds:0.0} s old at worst (limit {limit.TotalSeconds} s) over {samples} samples");
        Assert.True(samples >= 150, $"only {samples} samples in {Measured}");
        Assert.True(writes > 1000, $"only {writes} writes: the load was not steady");
        // The switch kept segments coming, in order, with no gap.
        var numbers = (await bed.Catalogue().ListSegmentsAsync()).Select(s => s.SegmentNumber!.Value).ToList();
        Assert.True(numbers.Count >= Measured.TotalSeconds / (maxWalAge + 30), $"only {numbers.Count} segments shipped in {Measured}");
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + i), numbers);
        // For the benchmark table: printed, not asserted.
        Console.WriteLine($"steady load: {writes} transactions, {numbers.Count} segments, worst newest-shipped-WAL age {worst.TotalSeconds:0.0} s with WAL_MAX_AGE={maxWalAge} s");
    }
}
