using System.Globalization;
using System.Text.Json;
using LeoPass.Recovery.Storage.S3;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Cli.Tests.Backup;

/// <summary>
/// Memory of a backup to S3 with parts uploaded in parallel stays flat: the real CLI process backs
/// up a 200 MB database to s3rver with 4 parts in flight, and its peak resident memory, as the
/// kernel counted it (GNU time's %M, the process's maximum RSS), is compared with the bound
/// part size × (parts in flight + 2) above the same process backing up an empty database, plus
/// twice the GC's young generation (the launcher sets its floor to 16 MiB; the runtime may hold
/// two of them before it collects). The fixed memory of a CLI process (the runtime, its mapped
/// code, the engine: ~180 MiB, docs/benchmarks.md) does not depend on the data; nothing else may
/// grow with it but the part buffers.
/// </summary>
public sealed class UploadMemoryTests
{
    private const int PartsInFlight = 4;

    /// <summary>Two of the GC's youngest generations at the 16 MiB floor ./leopass-recovery sets (DOTNET_GCgen0size).</summary>
    private const long YoungGenerationSlack = 32L << 20;

    [Fact]
    public async Task A_backup_of_200_MB_to_S3_with_4_parts_in_flight_peaks_within_the_part_buffers_above_an_empty_backup()
    {
        await using var env = await CliBackupEnvironment.CreateAsync(useS3: true, rows: 0);
        env.Variables["BACKUP_S3_PARALLEL_PARTS"] = PartsInFlight.ToString(CultureInfo.InvariantCulture);
        var empty = await PeakAsync(env);

        // ~200 MB on disk of poorly compressible rows: the artefact spans a dozen parts and more.
        await env.AddBulkAsync(1_500_000);
        var databaseBytes = await env.Source.ScalarAsync<long>("SELECT pg_database_size(current_database())");
        Assert.True(databaseBytes > 190L << 20, $"the source database is {databaseBytes >> 20} MiB, expected about 200");
        Assert.True(databaseBytes < 260L << 20, $"the source database is {databaseBytes >> 20} MiB, expected about 200");
        var full = await PeakAsync(env);

        Assert.True(full.Parts > PartsInFlight * 2, $"only {full.Parts} parts were uploaded: too few to keep {PartsInFlight} in flight");
        var partBytes = (long)new S3StoreOptions { Bucket = "-", AccessKey = "-", SecretKey = "-", Endpoint = new Uri("http://-") }.PartSize;
        var bound = empty.PeakBytes + partBytes * (PartsInFlight + 2) + YoungGenerationSlack;
        Assert.True(full.PeakBytes <= bound,
            $"peak RSS {full.PeakBytes >> 20} MiB for {databaseBytes >> 20} MiB ({full.Parts} parts) exceeds {bound >> 20} MiB: " +
            $"{empty.PeakBytes >> 20} MiB for an empty database plus {PartsInFlight + 2} parts of {partBytes >> 20} MiB plus {YoungGenerationSlack >> 20} MiB");
    }

    private static async Task<(long PeakBytes, long Parts)> PeakAsync(CliBackupEnvironment env)
    {
        var timeFile = Path.Combine(env.BackupDirectory, "time-" + Guid.NewGuid().ToString("N"));
        var run = await CliRunner.RunUnderAsync(["/usr/bin/time", "-f", "%M", "-o", timeFile], env.Variables, TimeSpan.FromMinutes(10), "backup", "run", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StandardOutput);
        var peakKiB = long.Parse((await File.ReadAllLinesAsync(timeFile)).Last(l => l.Length > 0).Trim(), CultureInfo.InvariantCulture);
        return (peakKiB * 1024, json.RootElement.GetProperty("parts").GetInt64());
    }
}
