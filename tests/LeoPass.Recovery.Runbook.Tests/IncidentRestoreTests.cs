using System.Text.Json;
using LeoPass.Recovery.Core.Configuration;
using LeoPass.Recovery.Engine.State;
using LeoPass.Recovery.Runbook.Tests.Support;
using LeoPass.Recovery.TestSupport;
using Npgsql;

namespace LeoPass.Recovery.Runbook.Tests;

public sealed class IncidentRestoreTests
{
    [Fact]
    public async Task Incident_quarantines_keeps_traffic_closed_while_halted_then_reopens_exactly_what_it_closed_and_rotates_the_app_password()
    {
        await using var bed = await RunbookTestBed.CreateAsync(rows: 2_000);
        bed.ConfigureProductionSwitches();
        var role = "app_" + Guid.NewGuid().ToString("N")[..8];
        const string oldPassword = "old-app-password-5521";
        bed.Variables["APP_DATABASE_ROLE"] = role;
        await bed.Source.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{oldPassword}'");
        await bed.BackupAsync();
        await bed.WriteMigrationAsync(succeeds: false);
        var node = await bed.StartEngineAsync();

        var runId = await node.StartAsync("incident-restore", new() { ["confirm"] = bed.TargetName, ["rotateCredentials"] = "true", ["notes"] = "INC-77: bad deploy dropped data" });
        var waiting = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.Equal(StepState.WaitingForApproval, waiting.Steps.Single(s => s.StepId == "restore").State);
        await node.Operations.ApproveAsync(runId, "restore", "restore point checked", "responder");

        // Migrations fail: the run halts with traffic still quarantined.
        var halted = await node.WaitForAsync(runId, null, RunState.Halted, RunState.Succeeded);
        Assert.Equal(StepState.Failed, halted.Steps.Single(s => s.StepId == "migrate").State);
        var add = Assert.Single(bed.Http.Requests, r => r.Method == "POST" && r.Path == $"/client/v4/zones/{RunbookTestBed.ZoneId}/rulesets/rs-entry-1/rules");
        Assert.Equal($"Bearer {RunbookTestBed.CloudflareToken}", add.Headers["Authorization"]);
        using (var rule = JsonDocument.Parse(add.Body))
        {
            Assert.Equal("block", rule.RootElement.GetProperty("action").GetString());
            Assert.Equal($"leopass-recovery maintenance (run {runId})", rule.RootElement.GetProperty("description").GetString());
        }
        var pause = Assert.Single(bed.Http.RequestsTo("/workers"));
        Assert.Contains("\"pause\"", pause.Body, StringComparison.Ordinal);
        await Task.Delay(1500);
        Assert.DoesNotContain(bed.Http.Requests, r => r.Method == "DELETE");
        Assert.DoesNotContain(bed.Http.RequestsTo("/workers"), r => r.Body.Contains("resume", StringComparison.Ordinal));

        // Fixed; retried: it waits before reopening, still closed.
        await bed.WriteMigrationAsync(succeeds: true);
        await node.Operations.RetryAsync(runId, "responder");
        var beforeReopen = await node.WaitForAsync(runId, null, RunState.WaitingForApproval, RunState.Halted);
        Assert.Equal(StepState.WaitingForApproval, beforeReopen.Steps.Single(s => s.StepId == "reopen").State);
        Assert.DoesNotContain(bed.Http.Requests, r => r.Method == "DELETE");

        // The rotated password: the old one is refused, the delivered one works.
        var envLine = (await File.ReadAllLinesAsync(bed.ServicesEnvFile)).Single(l => l.StartsWith("DATABASE_URL=", StringComparison.Ordinal));
        var delivered = PostgresConnectionString.Parse(envLine["DATABASE_URL=".Length..].Trim('"'), "DATABASE_URL");
        var deliveredBuilder = new NpgsqlConnectionStringBuilder(delivered);
        Assert.Equal(role, deliveredBuilder.Username);
        Assert.Equal(bed.TargetName, deliveredBuilder.Database);
        var newPassword = deliveredBuilder.Password!;
        Assert.NotEqual(oldPassword, newPassword);
        await using (var ok = new NpgsqlConnection(delivered))
        {
            await ok.OpenAsync();
        }
        var old = new NpgsqlConnectionStringBuilder(delivered) { Password = oldPassword, Pooling = false }.ConnectionString;
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(old);
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        await node.Operations.ApproveAsync(runId, "reopen", "scan and login checked by hand", "responder");
        var done = await node.WaitForAsync(runId, null, RunState.Succeeded, RunState.Halted);
        Assert.Equal(RunState.Succeeded, done.State);

        // The reopen deleted exactly the rule the quarantine added, and resumed the workers it paused.
        var delete = Assert.Single(bed.Http.Requests, r => r.Method == "DELETE");
        Assert.Equal($"/client/v4/zones/{RunbookTestBed.ZoneId}/rulesets/rs-entry-1/rules/maint-rule-42", delete.Path);
        var workerCalls = bed.Http.RequestsTo("/workers");
        Assert.Equal(2, workerCalls.Count);
        Assert.Contains("\"resume\"", workerCalls[1].Body, StringComparison.Ordinal);
        Assert.Equal(3, bed.Http.Requests.Count(r => r.Path.StartsWith("/client/v4/", StringComparison.Ordinal)));

        // Report: RTO until traffic reopened; posted to the incident tracker; no secret anywhere.
        var report = await node.Reports.BuildAsync(runId);
        Assert.Equal("traffic reopened", report.RtoMeasuredUntil);
        Assert.All(report.Steps, s => Assert.False(s.Disabled));
        var incident = Assert.Single(bed.Http.RequestsTo("/incidents"));
        Assert.Contains("INC-77", incident.Body, StringComparison.Ordinal);
        var notes = await File.ReadAllTextAsync(bed.ShipNotes);
        Assert.Contains("until traffic reopened", notes, StringComparison.Ordinal);
        var journal = JsonSerializer.Serialize(await node.Queries.JournalAsync(runId)) + JsonSerializer.Serialize(await node.Queries.GetAsync(runId));
        foreach (var secret in new[] { newPassword, RunbookTestBed.CloudflareToken })
        {
            Assert.DoesNotContain(secret, journal, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, notes, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, incident.Body, StringComparison.Ordinal);
        }
    }
}
