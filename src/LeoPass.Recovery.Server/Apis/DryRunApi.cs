using System.Security.Claims;
using System.Text.Json;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>
/// POST /api/dry-run: what a run would do, step by step, without doing any of it — of a published
/// version, or of a draft's JSON before it is published. The same role as a start is needed: the
/// plan reads the store and the target server, and tells what exists there.
/// </summary>
public static class DryRunApi
{
    public static RouteHandlerBuilder MapDryRunApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/dry-run", PlanRun).WithName("PlanRun").ProducesProblem(StatusCodes.Status404NotFound).WithTags("Runs").RequireAuthorization(RolePolicies.Operator)
            .WithSummary("Plan a run without running it: every enabled step's activity says what it would do; nothing is created, changed or downloaded");

    public static async Task<Results<Ok<DryRunPlan>, ValidationProblem, ProblemHttpResult>> PlanRun(
        DryRunRequest request, ClaimsPrincipal user, DefinitionCatalog catalog, DefinitionLoader loader, DryRun dryRun, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Check(request.Definition is { Length: > 0 } ^ request.Content is { ValueKind: JsonValueKind.Object }, "definition",
                "give either a published definition's id (definition, optionally version) or a draft's JSON (content), not both");
        if (!validation.IsValid) return validation.Result();
        WorkflowDefinition definition;
        if (request.Content is { ValueKind: JsonValueKind.Object } content)
        {
            definition = loader.Parse(content.GetRawText(), "dry run").Definition;
        }
        else
        {
            definition = (request.Version is { } version
                    ? await catalog.FindDefinitionAsync(request.Definition!, version, cancellationToken)
                    : await catalog.FindLatestDefinitionAsync(request.Definition!, cancellationToken))
                ?? throw new NotFoundException($"no workflow definition '{request.Definition}'{(request.Version is null ? "" : $" version {request.Version}")} is published");
        }
        var caller = user.Caller();
        var required = RolePolicies.ToStart(definition);
        if (!caller.Has(required)) return RunsApi.Forbidden(caller, required, $"plan a run of '{definition.Id}' (as to start one)");
        var result = await dryRun.PlanAsync(definition, request.Parameters ?? [], cancellationToken);
        return TypedResults.Ok(ToContract(result));
    }

    public static DryRunPlan ToContract(DryRunResult result) => new(result.DefinitionId, result.Version, result.WouldRefuse,
        result.Steps.Select(s => new StepPlan(s.StepId, s.Title, s.Activity, s.Enabled, s.Planned, s.Actions.ToList())).ToList());
}
