using System.Net;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class RunsApiTests(ApiHost host)
{
    [Fact]
    public async Task Drill_started_over_the_api_runs_to_completion_and_its_journal_and_report_are_served()
    {
        var (status, started) = await host.Operator.PostJsonAsync("/api/runs", new { definition = TestDefinitions.Drill, parameters = new { label = "monthly" } });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = started!["run"]!["id"]!.GetValue<long>();
        Assert.Equal("api", started["run"]!["trigger"]!.GetValue<string>());

        var details = await host.Viewer.WaitForAsync(id, "Succeeded");
        var journal = details["journal"]!.AsArray();
        Assert.Equal(["quarantine", "restore", "validate"], journal.Select(a => a!["stepId"]!.GetValue<string>()));
        Assert.All(journal, a => Assert.Equal("Succeeded", a!["outcome"]!.GetValue<string>()));
        Assert.Equal("run.start", details["audit"]![0]!["action"]!.GetValue<string>());
        Assert.Equal("token:ci-operator", details["audit"]![0]!["who"]!.GetValue<string>());

        var (reportStatus, report) = await host.Viewer.GetJsonAsync($"/api/runs/{id}/report");
        Assert.Equal(HttpStatusCode.OK, reportStatus);
        Assert.Equal("Succeeded", report!["state"]!.GetValue<string>());
        Assert.Equal(id, report["runId"]!.GetValue<long>());
        Assert.Equal(["quarantine", "restore", "validate"], report["steps"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.All(report["steps"]!.AsArray(), s => Assert.Equal(1, s!["attemptCount"]!.GetValue<int>()));

        using var markdown = await host.Viewer.GetAsync($"/api/runs/{id}/report.md");
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        var text = await markdown.Content.ReadAsStringAsync();
        Assert.Contains($"{TestDefinitions.Drill} (run {id})", text, StringComparison.Ordinal);
        Assert.Contains("| 2 | restore | Succeeded | 1 |", text, StringComparison.Ordinal);
        Assert.Contains("**RTO:**", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Halted_run_is_retried_over_the_api_and_completes()
    {
        var id = await host.Operator.StartAsync(TestDefinitions.Halting);
        var halted = await host.Operator.WaitForAsync(id, "Halted");
        Assert.Contains("diagnostic failure", halted["run"]!["haltReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["retry", "skip", "resume", "abort"], halted["allowedNow"]!.AsArray().Select(a => a!.GetValue<string>()));

        var (status, after) = await host.Operator.PostJsonAsync($"/api/runs/{id}/retry");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual("Halted", after!["run"]!["state"]!.GetValue<string>());
        Assert.DoesNotContain("retry", after["allowedNow"]!.AsArray().Select(a => a!.GetValue<string>()));
        var done = await host.Operator.WaitForAsync(id, "Succeeded");
        var attempts = done["journal"]!.AsArray().GroupBy(a => a!["stepId"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, attempts["prepare"]);
        Assert.Equal(2, attempts["migrate"]);
        Assert.Equal(1, attempts["validate"]);
        Assert.Contains(done["audit"]!.AsArray(), a => a!["action"]!.GetValue<string>() == "run.retry" && a["who"]!.GetValue<string>() == "token:ci-operator");
    }

    [Fact]
    public async Task Same_idempotency_key_twice_starts_one_run()
    {
        var key = "webhook-" + Guid.NewGuid();
        var (first, firstBody) = await host.Operator.PostJsonAsync("/api/runs", new { definition = TestDefinitions.Drill, parameters = new { label = "a" } }, key);
        var (second, secondBody) = await host.Operator.PostJsonAsync("/api/runs", new { definition = TestDefinitions.Drill, parameters = new { label = "a" } }, key);
        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(firstBody!["run"]!["id"]!.GetValue<long>(), secondBody!["run"]!["id"]!.GetValue<long>());

        var (_, runs) = await host.Viewer.GetJsonAsync($"/api/runs?definition={TestDefinitions.Drill}&limit=200");
        Assert.Single(runs!.AsArray(), r => r!["id"]!.GetValue<long>() == firstBody["run"]!["id"]!.GetValue<long>());

        var (reused, problem) = await host.Operator.PostJsonAsync("/api/runs", new { definition = TestDefinitions.Drill, parameters = new { label = "b" } }, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused);
        Assert.Contains("different request", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_idempotency_key_start_one_run()
    {
        var key = "race-" + Guid.NewGuid();
        var starts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.Operator.StartAsync(TestDefinitions.Drill, idempotencyKey: key)));
        Assert.Single(starts.Distinct());
    }

    [Fact]
    public async Task Bad_input_is_answered_with_problem_details_naming_the_field()
    {
        var (missing, body) = await host.Operator.PostJsonAsync("/api/runs", new { parameters = new { label = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.NotNull(body!["errors"]!["definition"]);

        var (unknown, unknownBody) = await host.Operator.PostJsonAsync("/api/runs", new { definition = TestDefinitions.Drill, parameters = new { colour = "red" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.NotNull(unknownBody!["errors"]!["parameters.colour"]);

        var (wrongType, wrongTypeBody) = await host.Operator.PostJsonAsync("/api/runs", """{"definition":"api-drill","parameters":{"label":42}}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType);
        Assert.NotNull(wrongTypeBody!["errors"]!["$.parameters.label"]);

        var (noReason, noReasonBody) = await host.Operator.PostJsonAsync("/api/runs/1/abort", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.NotNull(noReasonBody!["errors"]!["reason"]);

        var (badState, badStateBody) = await host.Viewer.GetJsonAsync("/api/runs?state=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, badState);
        var stateError = badStateBody!["errors"]!["state"]![0]!.GetValue<string>();
        Assert.Equal("state 'Sleeping' is not a run state: use one of Pending, Running, WaitingForApproval, Halted, Succeeded, Aborted", stateError);
        Assert.DoesNotContain("Nullable", badStateBody.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Viewer.GetJsonAsync("/api/runs?state=bogus")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.Viewer.GetJsonAsync("/api/runs?state=halted")).Status);

        var (badLimit, badLimitBody) = await host.Viewer.GetJsonAsync("/api/runs?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit);
        Assert.NotNull(badLimitBody!["errors"]!["limit"]);
    }

    [Fact]
    public async Task Unknown_run_and_definition_are_404_problem_details()
    {
        var (run, runBody) = await host.Viewer.GetJsonAsync("/api/runs/987654321");
        Assert.Equal(HttpStatusCode.NotFound, run);
        Assert.Contains("does not exist", runBody!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Operator.PostJsonAsync("/api/runs", new { definition = "no-such-workflow" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Operator.PostJsonAsync("/api/runs/987654321/retry")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync("/api/definitions/no-such-workflow")).Status);
    }

    [Fact]
    public async Task Retry_on_a_running_run_is_409_with_the_current_state()
    {
        var id = await host.Operator.StartAsync(TestDefinitions.Slow);
        await host.Operator.WaitForAsync(id, "Running");
        var (status, problem) = await host.Operator.PostJsonAsync($"/api/runs/{id}/retry");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Running", problem!["currentState"]!.GetValue<string>());
        Assert.Contains("retry is allowed only when", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{id}/abort", new { reason = "test over" })).Status);
        await host.Operator.WaitForAsync(id, "Aborted");
    }

    [Fact]
    public async Task Runs_are_listed_with_filters()
    {
        var id = await host.Operator.StartAsync(TestDefinitions.Drill);
        await host.Operator.WaitForAsync(id, "Succeeded");
        var (_, listed) = await host.Viewer.GetJsonAsync($"/api/runs?definition={TestDefinitions.Drill}&state=Succeeded&since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}");
        Assert.Contains(listed!.AsArray(), r => r!["id"]!.GetValue<long>() == id);
        Assert.All(listed.AsArray(), r => Assert.Equal(TestDefinitions.Drill, r!["definitionId"]!.GetValue<string>()));
        var (_, future) = await host.Viewer.GetJsonAsync($"/api/runs?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        Assert.Empty(future!.AsArray());
    }

    [Fact]
    public async Task Status_lists_runs_waiting_for_a_person()
    {
        var id = await host.Operator.StartAsync(TestDefinitions.Gated);
        await host.Operator.WaitForAsync(id, "WaitingForApproval");
        var (status, body) = await host.Viewer.GetJsonAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body!["needsAttention"]!.AsArray(), a => a!["runId"]!.GetValue<long>() == id && a["step"]!.GetValue<string>() == "restore");
        Assert.False(body["backup"]!["withinRpo"]!.GetValue<bool>());
        Assert.False(body["healthy"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{id}/reject", new { step = "restore", note = "not today" })).Status);
        await host.Operator.WaitForAsync(id, "Halted");
    }
}
