using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>
/// /api/drafts: the designer's work in progress, stored on the server (it survives a reload and
/// opens in another browser). Drafts never run and are never scheduled. Saving needs an operator;
/// publishing one as the next version needs an admin.
/// </summary>
public static class DraftsApi
{
    public static RouteGroupBuilder MapDraftsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/drafts").WithTags("Definitions").RequireAuthorization(RolePolicies.Viewer);
        api.MapGet("/", ListDrafts).WithName("ListDrafts").WithSummary("Every saved draft");
        api.MapGet("/{id}", GetDraft).WithName("GetDraft").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A draft and its JSON (which may still be invalid)");
        api.MapPut("/{id}", SaveDraft).WithName("SaveDraft").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator)
            .WithSummary("Save the draft of a definition; baseRevision is the revision it was edited from (a stale one is 409, never a silent overwrite)");
        api.MapDelete("/{id}", DiscardDraft).WithName("DiscardDraft").RequireAuthorization(RolePolicies.Operator).WithSummary("Discard a draft");
        api.MapPost("/{id}/publish", PublishDraft).WithName("PublishDraft").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Admin)
            .WithSummary("Publish the draft (?revision=) as the next version (admin); an invalid draft is 400 with every error by JSON path and stays a draft");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<DraftSummary>>> ListDrafts(DefinitionDrafts drafts, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var published = (await catalog.ListLatestAsync(cancellationToken)).ToDictionary(d => d.DefinitionId, d => d.Version, StringComparer.Ordinal);
        return TypedResults.Ok<IReadOnlyList<DraftSummary>>((await drafts.ListAsync(cancellationToken))
            .Select(d => Summary(d, published.TryGetValue(d.DefinitionId, out var v) ? v : null)).ToList());
    }

    public static async Task<Ok<DraftDetails>> GetDraft(string id, DefinitionDrafts drafts, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var draft = await drafts.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"definition '{id}' has no draft");
        var published = await catalog.FindLatestAsync(id, cancellationToken);
        return TypedResults.Ok(new DraftDetails(Summary(draft, published?.Version), DefinitionsApi.Served(draft.Content)));
    }

    public static async Task<Ok<DraftSummary>> SaveDraft(string id, SaveDraftRequest request, ClaimsPrincipal user, DefinitionDrafts drafts, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        if (request.Content.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDefinitionException([new DefinitionError("draft", "$", "a draft is a workflow definition: a JSON object")]);
        }
        var saved = await drafts.SaveAsync(id, JsonNode.Parse(request.Content.GetRawText())!.AsObject(), request.BaseRevision, user.Caller().Who, cancellationToken);
        var published = await catalog.FindLatestAsync(id, cancellationToken);
        return TypedResults.Ok(Summary(saved, published?.Version));
    }

    public static async Task<Results<NoContent, NotFound>> DiscardDraft(string id, ClaimsPrincipal user, DefinitionDrafts drafts, CancellationToken cancellationToken) =>
        await drafts.DiscardAsync(id, user.Caller().Who, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Created<DefinitionSummary>> PublishDraft(string id, int revision, ClaimsPrincipal user, DefinitionDrafts drafts, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var record = await drafts.PublishAsync(id, revision, user.Caller().Who, cancellationToken);
        var summary = await DefinitionsApi.SummaryAsync(record, catalog, hasDraft: false, cancellationToken);
        return TypedResults.Created($"/api/definitions/{record.DefinitionId}?version={record.Version}", summary);
    }

    private static DraftSummary Summary(DefinitionDraftRecord d, int? publishedVersion) =>
        new(d.DefinitionId, d.Title, d.Revision, d.SavedAt, d.SavedBy, publishedVersion);
}
