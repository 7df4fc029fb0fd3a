using System.Net;
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
