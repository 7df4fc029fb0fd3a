using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LeoPass.Recovery.Server.Hosting;

/// <summary>
/// What the OpenAPI document says about every operation without each endpoint repeating it, so a
/// client generated from it (NSwag, Kiota, openapi-generator) knows every error it can be answered:
/// a 400 problem from the input boundary (any route value, query value or body can be refused),
/// and 401/403 problems wherever a token is required. Answers only some endpoints give (404, 409,
/// 422) are declared where the endpoint is mapped.
/// </summary>
public static class ApiDescription
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>Run last on each endpoint, once its authorization is known.</summary>
    public static void DeclareCommonProblems(EndpointBuilder endpoint)
    {
        Declare(endpoint, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
        var anonymous = endpoint.Metadata.OfType<IAllowAnonymous>().Any();
        if (anonymous || !endpoint.Metadata.OfType<IAuthorizeData>().Any()) return;
        Declare(endpoint, StatusCodes.Status401Unauthorized, typeof(ProblemDetails));
        Declare(endpoint, StatusCodes.Status403Forbidden, typeof(ProblemDetails));
    }

    private static void Declare(EndpointBuilder endpoint, int status, Type problem)
    {
        if (endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(p => p.StatusCode == status)) return;
        endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, problem, [ProblemContentType]));
    }
}

/// <summary>Describes each tag (what its operations are for) and writes server URLs without a trailing '/'.</summary>
public sealed class TagsAndServersTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Access"] = "Who the calling token is: its name and role.",
        ["Backups"] = "The backup catalogue, each backup's signed manifest, a backup now, verifying a stored backup against its manifest, and proving it restores.",
        ["Definitions"] = "Workflow definitions (runbooks as ordered steps): list, read, check, validate and publish them, their versions and diffs, drafts and imports for the designer, cron previews, and the activities a step may use.",
        ["Health"] = "Liveness and readiness for load balancers and orchestrators; no token needed.",
        ["Runs"] = "Runs of definitions (drills, restores, backups): plan one as a dry run, start them, follow them (also as server-sent events), act on a halted run, read its report.",
        ["Status"] = "The recovery posture at a glance: newest verified backup against the RPO, last drill against the RTO, history and schedule.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var used = document.Paths.Values.Where(p => p.Operations is not null).SelectMany(p => p.Operations!.Values).Where(o => o.Tags is not null).SelectMany(o => o.Tags!).Select(t => t.Name!).Distinct();
        document.Tags = new HashSet<OpenApiTag>(used.Order(StringComparer.Ordinal).Select(name => new OpenApiTag
        {
            Name = name,
            Description = Tags.TryGetValue(name, out var description) ? description : throw new InvalidOperationException($"the OpenAPI tag '{name}' has no description in {nameof(TagsAndServersTransformer)}"),
        }));
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        return Task.CompletedTask;
    }
}
