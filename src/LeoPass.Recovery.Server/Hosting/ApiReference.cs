using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>The browsable API reference (Scalar) at /docs, reading /openapi/v1.json.</summary>
public static class ApiReference
{
    public const string Path = "/docs";

    public static IEndpointConventionBuilder MapApiReference(this IEndpointRouteBuilder routes) =>
        routes.MapScalarApiReference(Path, o => o
                .WithTitle("LeoPass.Recovery API")
                .AddPreferredSecuritySchemes(BearerSecurityTransformer.SchemeName))
            .ExcludeFromDescription();
}

/// <summary>Declares the bearer token scheme in the OpenAPI document, so the reference page can send it.</summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "LeoPass.Recovery API";
        document.Info.Description = "Drills, incident restores, backups and their status. Send `Authorization: Bearer lpr_…` " +
            "(create a token with `leopass-recovery token create --name N --role viewer|operator|admin`). Errors are RFC 7807 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "lpr_ token",
            Description = "An API token: viewer reads, operator drives drills and responders' actions, admin starts production restores and publishes definitions.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}
