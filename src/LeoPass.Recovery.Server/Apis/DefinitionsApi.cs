using System.Security.Claims;
using System.Text.Json.Nodes;
using System.Text.Json;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>/api/definitions: what can run, checking a definition before publishing it, publishing a new version.</summary>
public static class DefinitionsApi
{
    public static RouteGroupBuilder MapDefinitionsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/definitions").WithTags("Definitions").RequireAuthorization(RolePolicies.Viewer);
        api.MapGet("/", ListDefinitions).WithName("ListDefinitions").WithSummary("The newest published version of every definition");
        api.MapGet("/{id}", GetDefinition).WithName("GetDefinition").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A published definition (newest version unless ?version=) with its JSON");
        // Validation changes nothing, so a viewer may check a definition before asking an admin to publish it.
        api.MapPost("/validate", ValidateDefinition).WithName("ValidateDefinition").WithSummary("Check a definition against the schema and the activities of this node; publishes nothing");
        api.MapPost("/", PublishDefinition).WithName("PublishDefinition").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Admin)
            .WithSummary("Publish a new definition version (admin). The same content again is a no-op; other content under a published version is 409");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<DefinitionSummary>>> ListDefinitions(DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var summaries = new List<DefinitionSummary>();
        foreach (var record in await catalog.ListLatestAsync(cancellationToken)) summaries.Add(await SummaryAsync(record, catalog, cancellationToken));
        return TypedResults.Ok<IReadOnlyList<DefinitionSummary>>(summaries);
    }

    public static async Task<Ok<DefinitionDetails>> GetDefinition(string id, int? version, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var record = (version is { } v ? await catalog.FindVersionAsync(id, v, cancellationToken) : await catalog.FindLatestAsync(id, cancellationToken))
            ?? throw new NotFoundException($"no workflow definition '{id}'{(version is null ? "" : $" version {version}")} is published");
        return TypedResults.Ok(new DefinitionDetails(await SummaryAsync(record, catalog, cancellationToken), JsonNode.Parse(record.Content)));
    }

    public static Ok<DefinitionValidation> ValidateDefinition(JsonElement definition, DefinitionLoader loader)
    {
        var loaded = loader.Parse(definition.GetRawText(), "request body");
        return TypedResults.Ok(Validation(loaded));
    }

    public static async Task<Results<Created<DefinitionSummary>, Ok<DefinitionSummary>>> PublishDefinition(
        JsonElement definition, ClaimsPrincipal user, DefinitionLoader loader, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var caller = user.Caller();
        var loaded = loader.Parse(definition.GetRawText(), $"api ({caller.Who})");
        var existing = await catalog.FindLatestAsync(loaded.Definition.Id, cancellationToken);
        var record = await catalog.PublishAsync(loaded, caller.Who, cancellationToken);
        var unchanged = existing is not null && existing.Id == record.Id;
        var summary = await SummaryAsync(record, catalog, cancellationToken);
        return unchanged
            ? TypedResults.Ok(summary)
            : TypedResults.Created($"/api/definitions/{record.DefinitionId}?version={record.Version}", summary);
    }

    private static async Task<DefinitionSummary> SummaryAsync(DefinitionVersionRecord d, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var definition = await catalog.GetVersionAsync(d.Id, cancellationToken);
        var (start, skip, abort) = (RolePolicies.ToStart(definition), RolePolicies.ToSkip(definition), RolePolicies.ToAbort(definition));
        return new(d.DefinitionId, d.Version, d.Title, d.PublishedAt, d.PublishedBy, d.Source, d.ContentHash,
            new DefinitionRoles(start.Name(), (skip > abort ? skip : abort).Name(), skip.Name(), abort.Name()),
            definition.Label, definition.Purpose.ToString().ToLowerInvariant(), definition.Policy.Production);
    }

    private static DefinitionValidation Validation(LoadedDefinition loaded) =>
        new(true, loaded.Definition.Id, loaded.Definition.Version, loaded.Definition.Title, loaded.Definition.Steps.Count, loaded.ContentHash);
}
