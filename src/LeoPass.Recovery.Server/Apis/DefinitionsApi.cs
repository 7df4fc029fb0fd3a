using System.Security.Claims;
using System.Text.Json.Nodes;
using System.Text.Json;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;
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
        api.MapPost("/check", CheckDefinition).WithName("CheckDefinition").WithSummary("The same check, answered 200 with every error by JSON path (none: valid): for a designer checking as its author types");
        api.MapPost("/", PublishDefinition).WithName("PublishDefinition").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Admin)
            .WithSummary("Publish a new definition version (admin). The same content again is a no-op; other content under a published version is 409");
        api.MapGet("/cron-preview", PreviewCron).WithName("PreviewCron").WithSummary("The next three fire times of a cron (environment references resolved as this node resolves them), or why it does not parse");
        api.MapGet("/{id}/versions", ListVersions).WithName("ListDefinitionVersions").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Every published version of a definition, newest first, with who published it and when");
        api.MapGet("/{id}/diff", Diff).WithName("DiffDefinitionVersions").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("What changed between two versions (?from=1&to=2; to=draft for the saved draft), step by step: added, removed, moved, changed fields");
        api.MapPost("/import", Import).WithName("ImportDefinition").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator)
            .WithSummary("Import a workflows/ file as a draft: as a new definition (refused when the id exists) or as the next draft of an existing one (refused when it has a draft). Never overwrites");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<DefinitionSummary>>> ListDefinitions(DefinitionCatalog catalog, DefinitionDrafts drafts, CancellationToken cancellationToken)
    {
        var drafted = (await drafts.ListAsync(cancellationToken)).Select(d => d.DefinitionId).ToHashSet(StringComparer.Ordinal);
        var summaries = new List<DefinitionSummary>();
        foreach (var record in await catalog.ListLatestAsync(cancellationToken)) summaries.Add(await SummaryAsync(record, catalog, drafted.Contains(record.DefinitionId), cancellationToken));
        return TypedResults.Ok<IReadOnlyList<DefinitionSummary>>(summaries);
    }

    public static async Task<Ok<DefinitionDetails>> GetDefinition(string id, int? version, DefinitionCatalog catalog, DefinitionDrafts drafts, CancellationToken cancellationToken)
    {
        var record = await FindAsync(id, version, catalog, cancellationToken);
        var hasDraft = await drafts.FindAsync(id, cancellationToken) is not null;
        return TypedResults.Ok(new DefinitionDetails(await SummaryAsync(record, catalog, hasDraft, cancellationToken), Served(record.Content)));
    }

    /// <summary>
    /// The stored JSON as the API serves it. Definitions should hold ${ENV} references, not secrets;
    /// one pasted in anyway is masked on the way out by the response filter (MaskedResponseMiddleware).
    /// </summary>
    public static JsonElement Served(string content)
    {
        using var document = JsonDocument.Parse(content);
        return document.RootElement.Clone();
    }

    public static Ok<CronPreview> PreviewCron(string? cron, string? timeZone, LeoPass.Recovery.Engine.Nodes.EngineOptions options, TimeProvider time)
    {
        string resolved = cron ?? "", zone = timeZone ?? "UTC";
        try
        {
            resolved = EnvironmentReferences.Resolve(resolved, options.Variables);
            zone = EnvironmentReferences.Resolve(zone, options.Variables);
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Ok(new CronPreview(resolved, zone, [], e.Message));
        }
        if (!CronSchedule.TryParse(resolved, zone, out var schedule, out var error)) return TypedResults.Ok(new CronPreview(resolved, zone, [], error));
        var next = new List<DateTimeOffset>();
        var after = time.GetUtcNow();
        while (next.Count < 3 && schedule!.NextAfter(after) is { } fire)
        {
            next.Add(fire);
            after = fire;
        }
        return TypedResults.Ok(new CronPreview(resolved, zone, next, null));
    }

    public static async Task<Ok<IReadOnlyList<DefinitionVersionSummary>>> ListVersions(string id, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var versions = await catalog.ListVersionsAsync(id, cancellationToken);
        if (versions.Count == 0) throw new NotFoundException($"no workflow definition '{id}' is published");
        return TypedResults.Ok<IReadOnlyList<DefinitionVersionSummary>>(versions
            .Select(v => new DefinitionVersionSummary(v.Version, v.Title, v.PublishedAt, v.PublishedBy, v.Source, v.ContentHash)).ToList());
    }

    /// <param name="from">A published version.</param>
    /// <param name="to">A published version, or "draft" for the saved draft.</param>
    public static async Task<Results<Ok<DefinitionDiff>, ValidationProblem>> Diff(string id, int? from, string? to, DefinitionCatalog catalog, DefinitionDrafts drafts, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Check(from is > 0, "from", "from must name a published version (?from=1)")
            .Check(to is "draft" || int.TryParse(to, out var n) && n > 0, "to", "to must name a published version or 'draft' (?to=2)");
        if (!validation.IsValid) return validation.Result();
        var older = await FindAsync(id, from, catalog, cancellationToken);
        string newer;
        if (to == "draft")
        {
            newer = (await drafts.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"definition '{id}' has no draft")).Content;
        }
        else
        {
            newer = (await FindAsync(id, int.Parse(to!, System.Globalization.CultureInfo.InvariantCulture), catalog, cancellationToken)).Content;
        }
        var diff = Designer.DefinitionDiffer.Compare(
            JsonNode.Parse(older.Content)!.AsObject(),
            JsonNode.Parse(newer)!.AsObject());
        return TypedResults.Ok(diff with { Id = id, From = $"v{from}", To = to == "draft" ? "draft" : $"v{to}" });
    }

    public static async Task<Created<DraftSummary>> Import(ImportRequest request, ClaimsPrincipal user, Designer.DefinitionImport import, CancellationToken cancellationToken)
    {
        var draft = await import.ImportAsync(request, user.Caller().Who, cancellationToken);
        return TypedResults.Created($"/api/drafts/{draft.Id}", draft);
    }

    private static async Task<DefinitionVersionRecord> FindAsync(string id, int? version, DefinitionCatalog catalog, CancellationToken cancellationToken) =>
        (version is { } v ? await catalog.FindVersionAsync(id, v, cancellationToken) : await catalog.FindLatestAsync(id, cancellationToken))
        ?? throw new NotFoundException($"no workflow definition '{id}'{(version is null ? "" : $" version {version}")} is published");

    public static async Task<Ok<DefinitionValidation>> ValidateDefinition(JsonElement definition, DefinitionLoader loader, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var loaded = loader.Parse(definition.GetRawText(), "request body");
        // What publishing would also refuse: an `after` trigger naming what is not published, or a loop.
        var followErrors = await FollowedDefinitionCheck.ErrorsAsync(loaded.Definition, loaded.Source, catalog, cancellationToken);
        if (followErrors.Count > 0) throw new InvalidDefinitionException(followErrors);
        return TypedResults.Ok(Validation(loaded));
    }

    public static async Task<Ok<DefinitionCheck>> CheckDefinition(JsonElement definition, DefinitionLoader loader, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            var loaded = loader.Parse(definition.GetRawText(), "request body");
            var followErrors = await FollowedDefinitionCheck.ErrorsAsync(loaded.Definition, loaded.Source, catalog, cancellationToken);
            if (followErrors.Count > 0) throw new InvalidDefinitionException(followErrors);
            return TypedResults.Ok(new DefinitionCheck(true, new Dictionary<string, string[]>()));
        }
        catch (InvalidDefinitionException e)
        {
            return TypedResults.Ok(new DefinitionCheck(false, e.Errors.GroupBy(x => x.Path)
                .ToDictionary(g => g.Key, g => g.Select(x => x.Reason).ToArray())));
        }
    }

    public static async Task<Results<Created<DefinitionSummary>, Ok<DefinitionSummary>>> PublishDefinition(
        JsonElement definition, ClaimsPrincipal user, DefinitionLoader loader, DefinitionCatalog catalog, CancellationToken cancellationToken)
    {
        var caller = user.Caller();
        var loaded = loader.Parse(definition.GetRawText(), $"api ({caller.Who})");
        var existing = await catalog.FindLatestAsync(loaded.Definition.Id, cancellationToken);
        var record = await catalog.PublishAsync(loaded, caller.Who, cancellationToken);
        var unchanged = existing is not null && existing.Id == record.Id;
        var summary = await SummaryAsync(record, catalog, hasDraft: false, cancellationToken);
        return unchanged
            ? TypedResults.Ok(summary)
            : TypedResults.Created($"/api/definitions/{record.DefinitionId}?version={record.Version}", summary);
    }

    public static async Task<DefinitionSummary> SummaryAsync(DefinitionVersionRecord d, DefinitionCatalog catalog, bool hasDraft, CancellationToken cancellationToken)
    {
        var definition = await catalog.GetVersionAsync(d.Id, cancellationToken);
        var (start, skip, abort) = (RolePolicies.ToStart(definition), RolePolicies.ToSkip(definition), RolePolicies.ToAbort(definition));
        return new(d.DefinitionId, d.Version, d.Title, d.PublishedAt, d.PublishedBy, d.Source, d.ContentHash,
            new DefinitionRoles(start.Name(), (skip > abort ? skip : abort).Name(), skip.Name(), abort.Name()),
            definition.Label, definition.Purpose.ToString().ToLowerInvariant(), definition.Policy.Production,
            definition.Description, definition.Trigger.Type == WorkflowTriggerType.Cron ? definition.Trigger.Cron : null, hasDraft,
            definition.Parameters.Select(p => p.Name).ToList());
    }

    private static DefinitionValidation Validation(LoadedDefinition loaded) =>
        new(true, loaded.Definition.Id, loaded.Definition.Version, loaded.Definition.Title, loaded.Definition.Steps.Count, loaded.ContentHash);
}
