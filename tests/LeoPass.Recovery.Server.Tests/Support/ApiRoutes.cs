using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>One operation of the API as a test drives it: its method, its route, and where its input comes from.</summary>
public sealed record ApiRoute(string Method, RouteEndpoint Endpoint, IReadOnlyList<string> RouteParameters, IReadOnlyList<string> QueryParameters,
    IReadOnlyList<string> HeaderParameters, bool TakesJsonBody)
{
    public string Pattern => Endpoint.RoutePattern.RawText!;

    /// <summary>The path with each route parameter replaced by the value <paramref name="valueOf"/> gives it, escaped.</summary>
    public string Path(Func<string, string> valueOf) =>
        Regex.Replace(Pattern, @"\{\*{0,2}([^}:=?]+)[^}]*\}", m => Uri.EscapeDataString(valueOf(m.Groups[1].Value)));

    public override string ToString() => $"{Method} {Pattern}";
}

/// <summary>
/// Every operation the app serves, read from its <see cref="EndpointDataSource"/>: an endpoint another
/// branch adds is driven by the tests that use this without anyone listing it. The console's files and
/// pages and the API reference (excluded from the description) are not operations.
/// </summary>
public static class ApiRoutes
{
    public static IReadOnlyList<ApiRoute> All(IServiceProvider services)
    {
        var descriptions = services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items).ToList();
        var routes = new List<ApiRoute>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }) continue;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                var description = descriptions.Single(d => d.HttpMethod == method && Normalise(d.RelativePath) == Normalise(endpoint.RoutePattern.RawText));
                string[] From(string source) => description.ParameterDescriptions.Where(p => p.Source.Id == source).Select(p => p.Name).ToArray();
                routes.Add(new ApiRoute(method, endpoint, endpoint.RoutePattern.Parameters.Select(p => p.Name).ToArray(), From("Query"), From("Header"),
                    From("Body").Length > 0));
            }
        }
        return routes;
    }

    /// <summary>"/api/runs/{id:long}/" and "api/runs/{id}" are one route.</summary>
    private static string Normalise(string? pattern) => "/" + Regex.Replace(pattern ?? "", @"\{([^}:=?]+)[^}]*\}", "{$1}").Trim('/');
}
