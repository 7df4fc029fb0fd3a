using System.Net;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>
/// What the workflow designer stands on, over the public API: the safe default policy, drafts
/// kept on the server, import that never overwrites, export equal to what the API serves, a
/// step-level diff between versions, and a dry run that journals nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DesignerApiTests(ApiHost host)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static JsonObject Without(string json, params string[] fields)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        foreach (var field in fields) root.Remove(field);
        return root;
    }

    [Fact]
    public async Task A_definition_published_without_a_policy_is_admins_alone_an_operator_gets_403_to_start_and_abort()
    {
        var id = NewId("nopolicy");
        var definition = Without(TestDefinitions.Definition(id, TestDefinitions.Step("wait", "diagnostics.sleep", new() { ["duration"] = "PT30S" })), "policy");
        var (published, summary) = await host.Admin.PostJsonAsync("/api/definitions", definition.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, published);
        Assert.Equal("admin", summary!["roles"]!["start"]!.GetValue<string>());
        Assert.Equal("admin", summary["roles"]!["abort"]!.GetValue<string>());

        var (refused, problem) = await host.Operator.PostJsonAsync("/api/runs", new { definition = id });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("needs role admin", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var runId = await host.Admin.StartAsync(id);
        var (abortRefused, _) = await host.Operator.PostJsonAsync($"/api/runs/{runId}/abort", new { reason = "operator tries" });
        Assert.Equal(HttpStatusCode.Forbidden, abortRefused);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostJsonAsync($"/api/runs/{runId}/abort", new { reason = "test done" })).Status);

        // A policy that leaves a role out gives it to admins too: operators get only what is written.
        var partial = JsonNode.Parse(TestDefinitions.Definition(NewId("partial"), TestDefinitions.Step("a", "diagnostics.noop")))!.AsObject();
        partial["policy"] = new JsonObject { ["start"] = "operator" };
        var (_, partialSummary) = await host.Admin.PostJsonAsync("/api/definitions", partial.ToJsonString());
        Assert.Equal("operator", partialSummary!["roles"]!["start"]!.GetValue<string>());
        Assert.Equal("admin", partialSummary["roles"]!["skip"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_is_the_served_json_and_importing_it_as_new_gives_an_equal_definition_under_the_new_id()
    {
        var (_, served) = await host.Viewer.GetJsonAsync($"/api/definitions/{TestDefinitions.Gated}");
        var exported = served!["content"]!.AsObject();
        var copy = NewId("copy");

        var (imported, draft) = await host.Operator.PostJsonAsync("/api/definitions/import", new { content = exported, mode = "AsNew", id = copy });
        Assert.Equal(HttpStatusCode.Created, imported);
        Assert.Equal(1, draft!["revision"]!.GetValue<int>());
        Assert.Null(draft["publishedVersion"]);

        var (_, saved) = await host.Viewer.GetJsonAsync($"/api/drafts/{copy}");
        var expected = exported.DeepClone().AsObject();
        expected["id"] = copy;
        Assert.Equal(CanonicalJson.Of(expected.ToJsonString()), CanonicalJson.Of(saved!["content"]!.ToJsonString()));

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Operator.PostJsonAsync($"/api/drafts/{copy}/publish?revision=1")).Status);
        var (published, summary) = await host.Admin.PostJsonAsync($"/api/drafts/{copy}/publish?revision=1");
        Assert.Equal(HttpStatusCode.Created, published);
        Assert.Equal(1, summary!["version"]!.GetValue<int>());
        var (_, republished) = await host.Viewer.GetJsonAsync($"/api/definitions/{copy}");
        expected["version"] = 1;
        Assert.Equal(CanonicalJson.Of(expected.ToJsonString()), CanonicalJson.Of(republished!["content"]!.ToJsonString()));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync($"/api/drafts/{copy}")).Status);
    }

    [Fact]
    public async Task Import_never_overwrites_and_a_bad_file_is_refused_naming_the_unknown_activity_and_its_path()
    {
        var (_, served) = await host.Viewer.GetJsonAsync($"/api/definitions/{TestDefinitions.Drill}");
        var file = served!["content"]!.AsObject();

        var (taken, problem) = await host.Operator.PostJsonAsync("/api/definitions/import", new { content = file, mode = "AsNew" });
        Assert.Equal(HttpStatusCode.Conflict, taken);
        Assert.Contains($"'{TestDefinitions.Drill}' already exists", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var (asDraft, _) = await host.Operator.PostJsonAsync("/api/definitions/import", new { content = file, mode = "AsDraftOf", id = TestDefinitions.Drill });
        Assert.Equal(HttpStatusCode.Created, asDraft);
        var (again, secondProblem) = await host.Operator.PostJsonAsync("/api/definitions/import", new { content = file, mode = "AsDraftOf", id = TestDefinitions.Drill });
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("already has a draft", secondProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Operator.SendAsync(HttpMethod.Delete, $"/api/drafts/{TestDefinitions.Drill}")).Status);

        var bad = file.DeepClone().AsObject();
        bad["steps"]![1]!["activity"] = "runbook.teleport-database";
        // The designer's live check: the same errors, answered 200 while the author types.
        var (checkedStatus, check) = await host.Viewer.PostJsonAsync("/api/definitions/check", bad.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, checkedStatus);
        Assert.False(check!["valid"]!.GetValue<bool>());
        Assert.Contains("runbook.teleport-database", check["errors"]!["$.steps[1].activity"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, good) = await host.Viewer.PostJsonAsync("/api/definitions/check", file.ToJsonString());
        Assert.True(good!["valid"]!.GetValue<bool>());

        var id = NewId("bad");
        var (refused, badProblem) = await host.Operator.PostJsonAsync("/api/definitions/import", new { content = bad, mode = "AsNew", id });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        var error = badProblem!["errors"]!["$.steps[1].activity"]![0]!.GetValue<string>();
        Assert.Contains("unknown activity type 'runbook.teleport-database'", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync($"/api/drafts/{id}")).Status);
    }

    [Fact]
    public async Task A_draft_is_kept_on_the_server_a_stale_save_is_refused_and_only_an_admin_publishes_it_as_the_next_version()
    {
        var id = NewId("drafted");
        var content = JsonNode.Parse(TestDefinitions.Definition(id, TestDefinitions.Step("a", "diagnostics.noop")))!.AsObject();
        content["trigger"] = new JsonObject { ["type"] = "cron", ["cron"] = "*/1 * * * * *" };

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Viewer.SendAsync(HttpMethod.Put, $"/api/drafts/{id}", new { content })).Status);
        var (first, saved) = await host.Operator.SendAsync(HttpMethod.Put, $"/api/drafts/{id}", new { content });
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(1, saved!["revision"]!.GetValue<int>());
        content["title"] = "Second save";
        var (second, resaved) = await host.Operator.SendAsync(HttpMethod.Put, $"/api/drafts/{id}", new { content, baseRevision = 1 });
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(2, resaved!["revision"]!.GetValue<int>());
        var (stale, problem) = await host.Admin.SendAsync(HttpMethod.Put, $"/api/drafts/{id}", new { content, baseRevision = 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale);
        Assert.Contains("revision 2", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Read back as another caller would after a reload; a draft is never scheduled, and never listed as published.
        var (_, read) = await host.Viewer.GetJsonAsync($"/api/drafts/{id}");
        Assert.Equal("Second save", read!["content"]!["title"]!.GetValue<string>());
        var (_, schedule) = await host.Viewer.GetJsonAsync("/api/status/schedule");
        Assert.DoesNotContain(schedule!.AsArray(), s => s!["definition"]!.GetValue<string>() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync($"/api/definitions/{id}")).Status);

        // Publishing checks the draft like any definition: the cron trigger has no business in a test, so make it api first.
        content["trigger"] = new JsonObject { ["type"] = "api" };
        await host.Operator.SendAsync(HttpMethod.Put, $"/api/drafts/{id}", new { content, baseRevision = 2 });
        Assert.Equal(HttpStatusCode.Conflict, (await host.Admin.PostJsonAsync($"/api/drafts/{id}/publish?revision=2")).Status);
        var (published, summary) = await host.Admin.PostJsonAsync($"/api/drafts/{id}/publish?revision=3");
        Assert.Equal(HttpStatusCode.Created, published);
        Assert.Equal(1, summary!["version"]!.GetValue<int>());
        var (_, versions) = await host.Viewer.GetJsonAsync($"/api/definitions/{id}/versions");
        var only = Assert.Single(versions!.AsArray())!;
        Assert.Equal("token:ci-admin", only["publishedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Diff_between_two_versions_names_the_changed_step_and_field_and_the_added_removed_and_moved_steps()
    {
        var id = NewId("diffed");
        var v1 = TestDefinitions.Definition(id, 1,
            TestDefinitions.Step("prepare", "diagnostics.noop"),
            TestDefinitions.Step("wait", "diagnostics.sleep", new() { ["duration"] = "PT1S" }),
            TestDefinitions.Step("old", "diagnostics.noop"),
            TestDefinitions.Step("finish", "diagnostics.noop"));
        var v2 = TestDefinitions.Definition(id, 2,
            TestDefinitions.Step("finish", "diagnostics.noop"),
            TestDefinitions.Step("prepare", "diagnostics.noop"),
            TestDefinitions.Step("wait", "diagnostics.sleep", new() { ["duration"] = "PT5S" }),
            TestDefinitions.Step("new", "diagnostics.noop"));
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", v1)).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", v2)).Status);

        var (status, diff) = await host.Viewer.GetJsonAsync($"/api/definitions/{id}/diff?from=1&to=2");
        Assert.Equal(HttpStatusCode.OK, status);
        var steps = diff!["steps"]!.AsArray().ToDictionary(s => s!["stepId"]!.GetValue<string>(), s => s!);
        Assert.Equal("Changed", steps["wait"]["kind"]!.GetValue<string>());
        var field = Assert.Single(steps["wait"]["fields"]!.AsArray())!;
        Assert.Equal("parameters.duration", field["path"]!.GetValue<string>());
        Assert.Equal("PT1S", field["before"]!.GetValue<string>());
        Assert.Equal("PT5S", field["after"]!.GetValue<string>());
        Assert.Equal("Added", steps["new"]["kind"]!.GetValue<string>());
        Assert.Equal("Removed", steps["old"]["kind"]!.GetValue<string>());
        Assert.Equal("Moved", steps["finish"]["kind"]!.GetValue<string>());
        Assert.Equal("Unchanged", steps["prepare"]["kind"]!.GetValue<string>());
        Assert.Empty(diff["definition"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Viewer.GetJsonAsync($"/api/definitions/{id}/diff?from=1&to=latest")).Status);
    }

    [Fact]
    public async Task Dry_run_of_a_draft_plans_every_step_in_order_and_creates_no_run()
    {
        var id = NewId("planned");
        var content = JsonNode.Parse(TestDefinitions.Definition(id,
            TestDefinitions.Step("wait", "diagnostics.sleep", new() { ["duration"] = "PT10M" }),
            TestDefinitions.Step("say", "diagnostics.echo", new() { ["text"] = "label is ${run.label}" })))!.AsObject();
        var disabled = TestDefinitions.Step("skipped", "diagnostics.noop");
        disabled["enabled"] = false;
        content["steps"]!.AsArray().Add(disabled);
        var (_, before) = await host.Viewer.GetJsonAsync("/api/runs?limit=200");

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Viewer.PostJsonAsync("/api/dry-run", new { content })).Status);
        var (status, plan) = await host.Operator.PostJsonAsync("/api/dry-run", new { content, parameters = new { label = "drill-7" } });
        Assert.Equal(HttpStatusCode.OK, status);
        var steps = plan!["steps"]!.AsArray();
        Assert.Equal(["wait", "say", "skipped"], steps.Select(s => s!["stepId"]!.GetValue<string>()));
        Assert.Equal("would wait PT10M", steps[0]!["actions"]![0]!.GetValue<string>());
        Assert.Equal("would echo 'label is drill-7'", steps[1]!["actions"]![0]!.GetValue<string>());
        Assert.False(steps[2]!["enabled"]!.GetValue<bool>());
        Assert.All(steps, s => Assert.True(s!["planned"]!.GetValue<bool>()));
        Assert.Null(plan["wouldRefuse"]);

        var (_, after) = await host.Viewer.GetJsonAsync("/api/runs?limit=200");
        Assert.Equal(before!.AsArray().Count, after!.AsArray().Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Operator.PostJsonAsync("/api/dry-run", new { content, parameters = new { nope = "1" } })).Status);
    }
}
