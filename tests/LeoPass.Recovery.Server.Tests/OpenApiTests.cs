using System.Net;
using System.Text.Json.Nodes;
using LeoPass.Recovery.TestSupport;
using LeoPass.Recovery.Server.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiHost host)
{
    [Fact]
    public async Task OpenApi_document_describes_every_endpoint_of_the_app()
    {
        var (status, document) = await host.Client(null).GetJsonAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, status);
        var described = document!["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .ToHashSet();

        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToHashSet();

        Assert.True(endpoints.Count >= 20, string.Join("\n", endpoints));
        Assert.Empty(endpoints.Except(described));
        Assert.Empty(described.Except(endpoints));
        Assert.Contains("GET /health/live", described);
        Assert.Contains("POST /api/runs", described);
        Assert.NotNull(document["components"]!["securitySchemes"]!["Bearer"]);
    }

    /// <summary>
    /// Redocly CLI's recommended rules on the document this server serves: no error, and no operation
    /// a generated client would lack a name or an error type for (operationId, a 4xx answer).
    /// </summary>
    [Fact]
    public async Task The_served_document_passes_the_OpenAPI_lint_with_every_operation_named_and_its_errors_described()
    {
        var redocly = Path.Combine(RepositoryRoot.Path, ".tools", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run scripts/install-deps.sh");
        using var response = await host.Client(null).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var file = Path.Combine(Directory.CreateTempSubdirectory("leopass-openapi-").FullName, "openapi.json");
        await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());

        var lint = await ExternalTool.RunAsync(redocly, ["lint", file, "--format=json"], new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });
        var report = JsonNode.Parse(lint.StandardOutput[lint.StandardOutput.IndexOf('{', StringComparison.Ordinal)..])!;
        var problems = report["problems"]!.AsArray().Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}").ToList();
        Assert.True(lint.ExitCode == 0, $"redocly lint exited {lint.ExitCode}:\n{string.Join("\n", problems)}\n{lint.StandardError}");
        Assert.DoesNotContain(problems, p => p.StartsWith("error", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("operation-operationId", StringComparison.Ordinal) || p.Contains("operation-4xx-response", StringComparison.Ordinal)
            || p.Contains("tag-description", StringComparison.Ordinal) || p.Contains("no-server-trailing-slash", StringComparison.Ordinal));

        var operations = JsonNode.Parse(await File.ReadAllTextAsync(file))!["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).Select(o => o.Value!).ToList();
        Assert.True(operations.Count >= 20);
        Assert.All(operations, o => Assert.Equal("application/problem+json", o["responses"]!["400"]!["content"]!.AsObject().Single().Key));
    }

    [Fact]
    public async Task Reference_page_is_served()
    {
        using var response = await host.Client(null).GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>"/api/runs/{id:long}" → "/api/runs/{id}"; "/api/runs/" → "/api/runs", as OpenAPI writes them.</summary>
    private static string Normalise(string pattern)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:]+):[^}]+\}", "{$1}");
        path = "/" + path.Trim('/');
        return path;
    }
}
