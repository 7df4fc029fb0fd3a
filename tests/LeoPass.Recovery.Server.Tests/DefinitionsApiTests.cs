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

    [Fact]
    public async Task Publishing_exactly_what_get_returned_is_200_same_content()
    {
        // The real production definition (published as version 2): its stored jsonb orders keys differently from the file.
        var (status, served) = await host.Viewer.GetJsonAsync("/api/definitions/incident-restore?version=2");
        Assert.Equal(HttpStatusCode.OK, status);
        var content = served!["content"]!;
        var (again, summary) = await host.Admin.PostJsonAsync("/api/definitions", content);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(2, summary!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Same_content_with_other_key_order_and_whitespace_is_200_also_against_a_hash_of_the_old_form()
    {
        var first = TestDefinitions.Definition("api-reordered", TestDefinitions.Step("a", "diagnostics.noop"));
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostJsonAsync("/api/definitions", first)).Status);
        // A row published before hashes were canonical: its hash is of the compact text in the file's key order.
        var fileOrder = System.Text.Json.Nodes.JsonNode.Parse(first)!.ToJsonString();
        var oldHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fileOrder)));
        await using (var connection = new Npgsql.NpgsqlConnection(host.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var update = new Npgsql.NpgsqlCommand("UPDATE engine.definition_versions SET content_hash = @hash WHERE definition_id = 'api-reordered'", connection);
            update.Parameters.AddWithValue("hash", oldHash);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var reordered = new System.Text.Json.Nodes.JsonObject(System.Text.Json.Nodes.JsonNode.Parse(first)!.AsObject()
            .Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        using var request = new StringContent(reordered.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), System.Text.Encoding.UTF8, "application/json");
        using var response = await host.Admin.PostAsync("/api/definitions", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, served) = await host.Viewer.GetJsonAsync("/api/definitions/api-reordered");
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostJsonAsync("/api/definitions", served!["content"]!)).Status);
    }
}
