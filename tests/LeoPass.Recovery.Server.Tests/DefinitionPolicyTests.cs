using System.Net;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>Who may act on a run comes from the definition's "policy", not from a list of ids in C#.</summary>
[Collection(ApiCollection.Name)]
public sealed class DefinitionPolicyTests(ApiHost host)
{
    [Fact]
    public async Task A_new_definition_that_needs_admin_to_start_is_refused_to_an_operator_and_started_by_an_admin()
    {
        // A name no C# mentions: only its policy can make it admin-only.
        var id = "policy-" + Guid.NewGuid().ToString("N")[..8];
        var definition = TestDefinitions.WithPolicy(TestDefinitions.Definition(id, TestDefinitions.Step("only", "diagnostics.noop")), start: "admin", skip: "admin", abort: "operator");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Operator.PostJsonAsync("/api/definitions", definition)).Status);
        var (published, summary) = await host.Admin.PostJsonAsync("/api/definitions", definition);
        Assert.Equal(HttpStatusCode.Created, published);
        Assert.Equal("admin", summary!["roles"]!["start"]!.GetValue<string>());
        Assert.Equal("operator", summary["roles"]!["abort"]!.GetValue<string>());

        var (refused, problem) = await host.Operator.PostJsonAsync("/api/runs", new { definition = id });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("needs role admin", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var runId = await host.Admin.StartAsync(id);
        await host.Admin.WaitForAsync(runId, "Succeeded");
    }

    [Fact]
    public async Task Skip_and_abort_follow_the_policy_of_the_version_the_run_started_with()
    {
        var id = "policy-" + Guid.NewGuid().ToString("N")[..8];
        var definition = TestDefinitions.WithPolicy(
            TestDefinitions.Definition(id, TestDefinitions.Step("fail", "diagnostics.fail-until", new() { ["succeedOnAttempt"] = 0 })), start: "operator", skip: "admin", abort: "operator");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", definition)).Status);
        var runId = await host.Operator.StartAsync(id);
        await host.Operator.WaitForAsync(runId, "Halted");

        var (skip, problem) = await host.Operator.PostJsonAsync($"/api/runs/{runId}/skip", new { step = "fail", reason = "try" });
        Assert.Equal(HttpStatusCode.Forbidden, skip);
        Assert.Contains("skip", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.Operator.PostJsonAsync($"/api/runs/{runId}/abort", new { reason = "policy test done" })).Status);
    }

    [Fact]
    public async Task A_production_definition_without_admin_roles_or_a_confirm_parameter_is_refused_with_paths()
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(TestDefinitions.WithPolicy(
            TestDefinitions.Definition("policy-production", TestDefinitions.Step("only", "diagnostics.noop")), start: "operator", skip: "admin", abort: "admin"))!;
        root["policy"]!["production"] = true;
        var (status, problem) = await host.Admin.PostJsonAsync("/api/definitions", root);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem!["errors"]!.AsObject();
        Assert.Contains("admin", errors["$.policy.start"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("confirm", errors["$.parameters"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(errors["$.policy.skip"]);
    }

    [Fact]
    public async Task Definitions_list_says_what_each_is_for_from_its_purpose()
    {
        var (_, list) = await host.Viewer.GetJsonAsync("/api/definitions");
        var incident = list!.AsArray().Single(d => d!["id"]!.GetValue<string>() == TestDefinitions.IncidentRestore)!;
        Assert.Equal("incident", incident["purpose"]!.GetValue<string>());
        Assert.True(incident["production"]!.GetValue<bool>());
        Assert.Equal("admin", incident["roles"]!["start"]!.GetValue<string>());
        var drill = list.AsArray().Single(d => d!["id"]!.GetValue<string>() == TestDefinitions.Drill)!;
        Assert.Equal("other", drill["purpose"]!.GetValue<string>());
        Assert.Equal("operator", drill["roles"]!["start"]!.GetValue<string>());
    }
}
