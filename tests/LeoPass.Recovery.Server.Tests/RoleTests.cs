using System.Net;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class RoleTests(ApiHost host)
{
    [Fact]
    public async Task Viewer_reads_but_may_not_start_a_drill()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Viewer.GetJsonAsync("/api/runs")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.Viewer.GetJsonAsync("/api/definitions")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.Viewer.GetJsonAsync("/api/status")).Status);
        var (status, body) = await host.Viewer.PostJsonAsync("/api/runs", new { definition = TestDefinitions.Drill });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(403, body!["status"]!.GetValue<int>());
        Assert.Contains("viewer", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewer_may_not_retry_approve_or_run_a_backup()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Viewer.PostJsonAsync("/api/runs/1/retry")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Viewer.PostJsonAsync("/api/runs/1/approve", new { step = "restore" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Viewer.PostJsonAsync("/api/backups/run")).Status);
    }

    [Fact]
    public async Task Operator_may_start_retry_and_approve()
    {
        var halting = await host.Operator.StartAsync(TestDefinitions.Halting);
        await host.Operator.WaitForAsync(halting, "Halted");
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{halting}/retry")).Status);
        await host.Operator.WaitForAsync(halting, "Succeeded");

        var gated = await host.Operator.StartAsync(TestDefinitions.Gated);
        await host.Operator.WaitForAsync(gated, "WaitingForApproval");
        var (status, body) = await host.Operator.PostJsonAsync($"/api/runs/{gated}/approve", new { step = "restore", note = "staging is quiet" });
        Assert.Equal(HttpStatusCode.OK, status);
        var done = await host.Operator.WaitForAsync(gated, "Succeeded");
        var approval = done["audit"]!.AsArray().Single(a => a!["action"]!.GetValue<string>() == "gate.approve");
        Assert.Equal("token:ci-operator", approval!["who"]!.GetValue<string>());
        Assert.Equal("staging is quiet", approval["reason"]!.GetValue<string>());
        Assert.NotNull(body);
    }

    [Fact]
    public async Task Only_admin_may_start_an_incident_restore()
    {
        var (status, body) = await host.Operator.PostJsonAsync("/api/runs", new { definition = TestDefinitions.IncidentRestore, version = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("needs role admin", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Viewer.PostJsonAsync("/api/runs", new { definition = TestDefinitions.IncidentRestore, version = 1 })).Status);

        var (started, run1) = await host.Admin.PostJsonAsync("/api/runs", new { definition = TestDefinitions.IncidentRestore, version = 1 });
        Assert.Equal(HttpStatusCode.Created, started);
        var run = run1!["run"]!["id"]!.GetValue<long>();
        var details = await host.Admin.WaitForAsync(run, "Succeeded");
        Assert.Equal("token:ci-admin", details["run"]!["startedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Real_incident_restore_is_refused_before_anything_runs_without_the_right_confirmation()
    {
        Assert.Equal(HttpStatusCode.Forbidden,
            (await host.Operator.PostJsonAsync("/api/runs", new { definition = "incident-restore", parameters = new { confirm = ApiHost.RestoreTarget } })).Status);

        var (missing, missingBody) = await host.Admin.PostJsonAsync("/api/runs", new { definition = "incident-restore" });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.NotNull(missingBody!["errors"]!["parameters.confirm"]);

        var (wrong, wrongBody) = await host.Admin.PostJsonAsync("/api/runs", new { definition = "incident-restore", parameters = new { confirm = "leopass" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Contains(ApiHost.RestoreTarget, wrongBody!["errors"]!["parameters.confirm"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // Confirmed, but this host has no backup to restore: still refused before step 1 quarantines anything.
        var (noBackup, noBackupBody) = await host.Admin.PostJsonAsync("/api/runs", new { definition = "incident-restore", parameters = new { confirm = ApiHost.RestoreTarget } });
        Assert.Equal(HttpStatusCode.BadRequest, noBackup);
        Assert.NotNull(noBackupBody!["errors"]!["parameters.backup"]);
        var (_, runs) = await host.Viewer.GetJsonAsync("/api/runs?definition=incident-restore&limit=200");
        Assert.All(runs!.AsArray(), r => Assert.Equal(1, r!["definitionVersion"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Operator_may_not_abort_a_production_restore_but_admin_may()
    {
        var slow = await host.Admin.StartAsync(TestDefinitions.Slow);
        await host.Admin.WaitForAsync(slow, "Running");
        // api-slow is not a production definition: an operator may abort it.
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{slow}/abort", new { reason = "drill window over" })).Status);

        var (_, started) = await host.Admin.PostJsonAsync("/api/runs", new { definition = TestDefinitions.IncidentRestore, version = 1 });
        var incident = started!["run"]!["id"]!.GetValue<long>();
        await host.Admin.WaitForAsync(incident, "Succeeded");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Operator.PostJsonAsync($"/api/runs/{incident}/abort", new { reason = "no" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Operator.PostJsonAsync($"/api/runs/{incident}/skip", new { step = "restore", reason = "no" })).Status);
        // Admin passes the role check; the engine then refuses: the run is over.
        Assert.Equal(HttpStatusCode.Conflict, (await host.Admin.PostJsonAsync($"/api/runs/{incident}/abort", new { reason = "too late" })).Status);
    }

    [Fact]
    public async Task Only_admin_publishes_definitions_and_every_mutating_call_is_audited_with_the_token_name()
    {
        var definition = TestDefinitions.Definition("api-published", TestDefinitions.Step("one", "diagnostics.noop"));
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Operator.PostJsonAsync("/api/definitions", definition)).Status);
        var (status, body) = await host.Admin.PostJsonAsync("/api/definitions", definition);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("token:ci-admin", body!["publishedBy"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostJsonAsync("/api/definitions", definition)).Status);

        await using var db = host.Tokens.Open();
        var audit = db.Audit.Where(a => a.Path == "/api/definitions").OrderBy(a => a.Id).ToList();
        Assert.Contains(audit, a => a.Who == "token:ci-operator" && a.Status == 403);
        Assert.Contains(audit, a => a.Who == "token:ci-admin" && a.Status == 201);
    }
}
