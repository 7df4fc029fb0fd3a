using System.Net;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class DefinitionsApiTests(ApiHost host)
{
    [Fact]
    public async Task Definitions_are_listed_and_served_with_their_json()
    {
        var (_, list) = await host.Viewer.GetJsonAsync("/api/definitions");
        Assert.Contains(list!.AsArray(), d => d!["id"]!.GetValue<string>() == TestDefinitions.Drill);
        var (status, drill) = await host.Viewer.GetJsonAsync($"/api/definitions/{TestDefinitions.Drill}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, drill!["content"]!["steps"]!.AsArray().Count);
    }

    [Fact]
    public async Task Invalid_definition_is_refused_with_json_paths()
    {
        var invalid = TestDefinitions.Definition("api-invalid", TestDefinitions.Step("a", "diagnostics.noop"), TestDefinitions.Step("a", "no.such-activity"));
        var (status, problem) = await host.Viewer.PostJsonAsync("/api/definitions/validate", invalid);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem!["errors"]!.AsObject();
        Assert.NotNull(errors["$.steps[1].id"]);
        Assert.NotNull(errors["$.steps[1].activity"]);

        var valid = TestDefinitions.Definition("api-valid", TestDefinitions.Step("a", "diagnostics.noop"));
        var (ok, answer) = await host.Viewer.PostJsonAsync("/api/definitions/validate", valid);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.True(answer!["valid"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Viewer.GetJsonAsync("/api/definitions/api-valid")).Status);
    }

    [Fact]
    public async Task Changed_content_under_a_published_version_is_409()
    {
        var first = TestDefinitions.Definition("api-versioned", TestDefinitions.Step("a", "diagnostics.noop"));
        var changed = TestDefinitions.Definition("api-versioned", TestDefinitions.Step("b", "diagnostics.noop"));
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", first)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Admin.PostJsonAsync("/api/definitions", changed)).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", TestDefinitions.Definition("api-versioned", 2, TestDefinitions.Step("b", "diagnostics.noop")))).Status);
    }
}
