using System.Text.Json.Nodes;
using LeoPass.Recovery.Backup.Catalogue;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Runbook.Tests.Backup;

public sealed class SlowDumpWarningTests
{
    [Fact]
    public async Task A_nightly_dump_far_over_the_14_day_median_succeeds_and_warns_the_Ops_webhook()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 500);
        bed.Variables["OPS_WEBHOOK_URL"] = bed.Http.Url("/ops").ToString();
        bed.Variables["VERIFY_RESTORE_AFTER_BACKUP"] = "false";
        var node = await bed.StartEngineAsync();
        // Three earlier nights whose dumps took 5 ms each: tonight's real pg_dump takes far longer than 1.5 times that.
        var catalogue = node.Services.GetRequiredService<BackupCatalogue>();
        foreach (var daysAgo in new[] { 1, 2, 3 })
        {
            await catalogue.RecordAsync(CatalogueSamples.Manifest(DateTimeOffset.UtcNow.AddDays(-daysAgo), dumpDuration: TimeSpan.FromMilliseconds(5)));
        }

        var runId = await node.StartAsync("nightly-backup");
        var run = await node.WaitForAsync(runId, null, RunState.Succeeded, RunState.Halted);

        Assert.Equal(RunState.Succeeded, run.State);
        var notify = JsonNode.Parse(run.Steps.Single(s => s.StepId == "notify").Output!)!;
        Assert.Contains("over the 14-day median of 0.005 s (3 dumps)", notify["slowDump"]!.GetValue<string>(), StringComparison.Ordinal);
        var warning = JsonNode.Parse(Assert.Single(bed.Http.RequestsTo("/ops")).Body)!;
        Assert.Equal("warning", warning["status"]!.GetValue<string>());
        Assert.Equal("nightly-backup", warning["job"]!.GetValue<string>());
        Assert.Contains("slow dump of leopass-", warning["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
