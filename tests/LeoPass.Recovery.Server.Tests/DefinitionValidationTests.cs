using System.Net;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Server.Tests.Support;
using static LeoPass.Recovery.Server.Tests.Support.TestDefinitions;

namespace LeoPass.Recovery.Server.Tests;

/// <summary>Publishing refuses what could not run, with a 400 problem whose errors are keyed by the JSON path of each offence.</summary>
[Collection(ApiCollection.Name)]
public sealed class DefinitionValidationTests(ApiHost host)
{
    [Fact]
    public async Task A_step_reading_the_output_of_a_later_step_is_refused_as_a_cycle()
    {
        var definition = Definition("invalid-cycle",
            Step("first", "diagnostics.echo", new() { ["text"] = "${steps.second.output.text}" }),
            Step("second", "diagnostics.echo", new() { ["text"] = "${steps.first.output.text}" }));
        var errors = await RefusedAsync(definition);
        Assert.Contains("a cycle", Only(errors, "$.steps[0].parameters.text"), StringComparison.Ordinal);
        Assert.Single(errors);
    }

    [Fact]
    public async Task A_step_reading_its_own_output_is_refused_as_a_cycle()
    {
        var errors = await RefusedAsync(Definition("invalid-self", Step("loop", "diagnostics.echo", new() { ["text"] = "${steps.loop.output.text}" })));
        Assert.Contains("a cycle", Only(errors, "$.steps[0].parameters.text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_step_ids_are_refused()
    {
        var errors = await RefusedAsync(Definition("invalid-duplicate", Step("same", "diagnostics.noop"), Step("other", "diagnostics.noop"), Step("same", "diagnostics.noop")));
        Assert.Contains("duplicate step id 'same'", Only(errors, "$.steps[2].id"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_activity_is_refused_naming_the_registered_ones()
    {
        var errors = await RefusedAsync(Definition("invalid-activity", Step("a", "diagnostics.noop"), Step("b", "backup.teleport")));
        var reason = Only(errors, "$.steps[1].activity");
        Assert.Contains("unknown activity type 'backup.teleport'", reason, StringComparison.Ordinal);
        Assert.Contains("diagnostics.noop", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_parameter_is_refused_at_its_path()
    {
        var errors = await RefusedAsync(Definition("invalid-required", Step("a", "diagnostics.noop"), Step("b", "diagnostics.noop"), Step("nap", "diagnostics.sleep")));
        Assert.Contains("missing required parameter 'duration'", Only(errors, "$.steps[2].parameters.duration"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_parameter_given_in_clear_is_refused_without_repeating_it()
    {
        const string clear = "hunter2-not-a-reference";
        var (status, problem, raw) = await PublishAsync(Definition("invalid-secret", Step("echo", "diagnostics.echo", new() { ["text"] = "hi", ["credential"] = clear })));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var reason = Only(problem!["errors"]!.AsObject(), "$.steps[0].parameters.credential");
        Assert.Contains("given in clear", reason, StringComparison.Ordinal);
        Assert.Contains("${CREDENTIAL}", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(clear, raw, StringComparison.Ordinal);

        var referenced = Definition("valid-secret-" + Guid.NewGuid().ToString("N")[..6], Step("echo", "diagnostics.echo", new() { ["text"] = "hi", ["credential"] = "${ECHO_CREDENTIAL}" }));
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", referenced)).Status);
    }

    [Fact]
    public async Task Every_offence_of_a_definition_is_listed_together()
    {
        var errors = await RefusedAsync(Definition("invalid-all",
            Step("a", "diagnostics.echo", new() { ["text"] = "${steps.c.output.text}", ["credential"] = "plain" }),
            Step("a", "no.such"),
            Step("c", "diagnostics.sleep")));
        Assert.Equal(["$.steps[0].parameters.credential", "$.steps[0].parameters.text", "$.steps[1].activity", "$.steps[1].id", "$.steps[2].parameters.duration"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    private async Task<JsonObject> RefusedAsync(string definition)
    {
        var (status, problem, raw) = await PublishAsync(definition);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {raw}");
        Assert.Equal(400, problem!["status"]!.GetValue<int>());
        // Nothing was published.
        var id = JsonNode.Parse(definition)!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync($"/api/definitions/{id}")).Status);
        return problem["errors"]!.AsObject();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Problem, string Raw)> PublishAsync(string definition)
    {
        using var response = await host.Admin.PostAsync("/api/definitions", new StringContent(definition, System.Text.Encoding.UTF8, "application/json"));
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length > 0 ? JsonNode.Parse(raw) : null, raw);
    }

    private static string Only(JsonObject errors, string path)
    {
        Assert.True(errors.ContainsKey(path), $"no error at {path}; errors: {errors.ToJsonString()}");
        return Assert.Single(errors[path]!.AsArray())!.GetValue<string>();
    }
}
