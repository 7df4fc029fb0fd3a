using System.Net;
using LeoPass.Recovery.Server.Tests.Support;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class BackupsApiTests(ApiHost host)
{
    [Fact]
    public async Task Empty_catalogue_lists_nothing_and_latest_is_404()
    {
        var (status, list) = await host.Viewer.GetJsonAsync("/api/backups");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(list!.AsArray());
        var (latest, problem) = await host.Viewer.GetJsonAsync("/api/backups/latest");
        Assert.Equal(HttpStatusCode.NotFound, latest);
        Assert.Contains("no verified backup", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync("/api/backups/leopass-2026-01-01T020000Z.dump.zst.pgp")).Status);
    }

    [Fact]
    public async Task Backup_now_starts_a_nightly_backup_run_once_per_idempotency_key()
    {
        await host.PublishAsync(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "workflows", "nightly-backup.json")));
        var key = "backup-" + Guid.NewGuid();
        var (status, run) = await host.Operator.PostJsonAsync("/api/backups/run", null, key);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("nightly-backup", run!["run"]!["definitionId"]!.GetValue<string>());
        Assert.Equal("token:ci-operator", run["run"]!["startedBy"]!.GetValue<string>());
        var id = run["run"]!["id"]!.GetValue<long>();
        var (again, same) = await host.Operator.PostJsonAsync("/api/backups/run", null, key);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, same!["run"]!["id"]!.GetValue<long>());

        // This host has no source database to dump: the run is aborted rather than left retrying.
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{id}/abort", new { reason = "test host has no source database" })).Status);
        await host.Operator.WaitForAsync(id, "Aborted");
    }
}
