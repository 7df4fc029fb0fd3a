using System.Security.Claims;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Execution;
using LeoPass.Recovery.Engine.Journal;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Runbook.Reporting;
using LeoPass.Recovery.Server.Errors;
using LeoPass.Recovery.Server.Idempotency;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>/api/runs: start runs, follow them, and act on them as a responder.</summary>
public static class RunsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxListLimit = 200;

    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/runs").WithTags("Runs").RequireAuthorization(RolePolicies.Viewer);

        api.MapGet("/", ListRuns).WithName("ListRuns").WithSummary("List runs, newest first, filtered by definition, state and creation time");
        api.MapGet("/{id:long}", GetRun).WithName("GetRun").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A run with its steps, journal (one row per attempt) and audit trail");
        api.MapGet("/{id:long}/report", GetReport).WithName("GetRunReport").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The run's report: RTO and RPO against their targets, and every step");
        api.MapGet("/{id:long}/report.md", GetMarkdownReport).WithName("GetRunReportMarkdown").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The run's report as Markdown")
            .Produces<string>(StatusCodes.Status200OK, "text/markdown");

        api.MapPost("/", StartRun).WithName("StartRun").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity).RequireAuthorization(RolePolicies.Operator)
            .WithSummary("Start a run; honours Idempotency-Key. The definition's policy names the role needed (admin for production restores)");
        api.MapPost("/{id:long}/retry", Retry).WithName("RetryRun").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator).WithSummary("Re-run the failed step of a halted run");
        api.MapPost("/{id:long}/resume", Resume).WithName("ResumeRun").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator).WithSummary("Continue a halted run from its first unfinished step");
        api.MapPost("/{id:long}/skip", Skip).WithName("SkipStep").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator).WithSummary("Skip a step of a halted run, with a reason (admin on production definitions)");
        api.MapPost("/{id:long}/abort", Abort).WithName("AbortRun").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator).WithSummary("Abort a run for good, with a reason (admin on production definitions)");
        api.MapPost("/{id:long}/approve", Approve).WithName("ApproveStep").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator).WithSummary("Open the approval gate a step waits at");
        api.MapPost("/{id:long}/reject", Reject).WithName("RejectStep").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(RolePolicies.Operator).WithSummary("Reject the approval gate a step waits at: the run halts");
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<Run>>, ValidationProblem>> ListRuns(
        RunQueries queries,
        string? definition, string? state, DateTimeOffset? since, DateTimeOffset? until, int? limit, CancellationToken cancellationToken)
    {
        // Parsed here, not bound as RunState?: a binding failure would name .NET's Nullable<RunState> instead of the states.
        RunState? wanted = Enum.TryParse<RunState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(state, out _) ? parsed : null;
        var validation = new Validation()
            .Check(state is null || wanted is not null, "state", $"state '{state}' is not a run state: use one of {string.Join(", ", Enum.GetNames<RunState>())}")
            .Check(limit is null or (> 0 and <= MaxListLimit), "limit", $"limit must be between 1 and {MaxListLimit}")
            .Check(since is null || until is null || since <= until, "since", "since must not be after until");
        if (!validation.IsValid) return validation.Result();

        var runs = (await queries.ListAsync(limit ?? 50, definition, wanted, since, until, cancellationToken)).ToList();
        return TypedResults.Ok<IReadOnlyList<Run>>(runs);
    }

    public static async Task<Ok<RunDetails>> GetRun(long id, RunQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));

    /// <summary>The runbook's report — the same one `run report` prints and the post-mortem writes to SHIP_NOTES.</summary>
    public static async Task<Ok<RunReport>> GetReport(long id, RunReportBuilder reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.BuildAsync(id, null, cancellationToken));

    public static async Task<ContentHttpResult> GetMarkdownReport(long id, RunReportBuilder reports, CancellationToken cancellationToken) =>
        TypedResults.Text(RunReportMarkdown.Render(await reports.BuildAsync(id, null, cancellationToken)), "text/markdown; charset=utf-8");

    public static async Task<Results<Created<RunDetails>, Ok<RunDetails>, ValidationProblem, ProblemHttpResult>> StartRun(
        StartRunBody body, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, IdempotentRunStarter starter, RunQueries queries, DefinitionCatalog definitions, HttpContext http, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require("definition", body.Definition, "the definition id is required (GET /api/definitions lists them)")
            .Check(body.Version is null or > 0, "version", "version must be a positive number")
            .Check(idempotencyKey is null || idempotencyKey.Length is > 0 and <= IdempotentRunStarter.MaxKeyLength, IdempotencyKeyHeader,
                $"the Idempotency-Key header must be 1–{IdempotentRunStarter.MaxKeyLength} characters");
        if (!validation.IsValid) return validation.Result();
        var caller = user.Caller();
        var definition = (body.Version is { } version
                ? await definitions.FindDefinitionAsync(body.Definition!, version, cancellationToken)
                : await definitions.FindLatestDefinitionAsync(body.Definition!, cancellationToken))
            ?? throw new NotFoundException($"no workflow definition '{body.Definition}'{(body.Version is null ? "" : $" version {body.Version}")} is published (GET /api/definitions lists them)");
        var required = RolePolicies.ToStart(definition);
        if (!caller.Has(required)) return Forbidden(caller, required, $"start '{body.Definition}'");

        var request = new StartRunRequest(body.Definition!, body.Parameters ?? [], caller.Who, "api", Version: body.Version);
        var outcome = await starter.StartAsync(request, idempotencyKey, caller, cancellationToken);
        var run = await queries.DetailsAsync(outcome.RunId, cancellationToken);
        if (!outcome.Replayed) return TypedResults.Created($"/api/runs/{outcome.RunId}", run);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(run);
    }

    public static async Task<Ok<RunDetails>> Retry(long id, ClaimsPrincipal user, RunOperations operations, RunQueries queries, CancellationToken cancellationToken)
    {
        await operations.RetryAsync(id, user.Caller().Who, cancellationToken);
        return TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));
    }

    public static async Task<Ok<RunDetails>> Resume(long id, ClaimsPrincipal user, RunOperations operations, RunQueries queries, CancellationToken cancellationToken)
    {
        await operations.ResumeAsync(id, user.Caller().Who, cancellationToken);
        return TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));
    }

    public static async Task<Results<Ok<RunDetails>, ValidationProblem, ProblemHttpResult>> Skip(
        long id, StepReasonBody body, ClaimsPrincipal user, RunOperations operations, RunQueries queries, DefinitionCatalog definitions, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require("step", body.Step, "the id of the step to skip is required")
            .Require("reason", body.Reason, "a reason is required to skip a step (kept in the audit trail)");
        if (!validation.IsValid) return validation.Result();
        var caller = user.Caller();
        var run = await queries.GetAsync(id, cancellationToken);
        var required = RolePolicies.ToSkip(await PinnedDefinitionAsync(run, definitions, cancellationToken));
        if (!caller.Has(required)) return Forbidden(caller, required, $"skip steps of a '{run.DefinitionId}' run");
        await operations.SkipAsync(id, body.Step!, body.Reason!, caller.Who, cancellationToken);
        return TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));
    }

    public static async Task<Results<Ok<RunDetails>, ValidationProblem, ProblemHttpResult>> Abort(
        long id, ReasonBody body, ClaimsPrincipal user, RunOperations operations, RunQueries queries, DefinitionCatalog definitions, CancellationToken cancellationToken)
    {
        var validation = new Validation().Require("reason", body.Reason, "a reason is required to abort a run (kept in the audit trail)");
        if (!validation.IsValid) return validation.Result();
        var caller = user.Caller();
        var run = await queries.GetAsync(id, cancellationToken);
        var required = RolePolicies.ToAbort(await PinnedDefinitionAsync(run, definitions, cancellationToken));
        if (!caller.Has(required)) return Forbidden(caller, required, $"abort a '{run.DefinitionId}' run");
        await operations.AbortAsync(id, body.Reason!, caller.Who, cancellationToken);
        return TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));
    }

    public static async Task<Results<Ok<RunDetails>, ValidationProblem>> Approve(
        long id, GateBody body, ClaimsPrincipal user, RunOperations operations, RunQueries queries, CancellationToken cancellationToken)
    {
        var validation = new Validation().Require("step", body.Step, "the id of the step whose gate is approved is required");
        if (!validation.IsValid) return validation.Result();
        await operations.ApproveAsync(id, body.Step!, body.Note, user.Caller().Who, cancellationToken);
        return TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));
    }

    public static async Task<Results<Ok<RunDetails>, ValidationProblem>> Reject(
        long id, GateBody body, ClaimsPrincipal user, RunOperations operations, RunQueries queries, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require("step", body.Step, "the id of the step whose gate is rejected is required")
            .Require("note", body.Note, "a note is required to reject a gate (kept in the audit trail)");
        if (!validation.IsValid) return validation.Result();
        await operations.RejectAsync(id, body.Step!, body.Note!, user.Caller().Who, cancellationToken);
        return TypedResults.Ok(await queries.DetailsAsync(id, cancellationToken));
    }

    /// <summary>The version the run started with: its policy holds even after a newer version changed it.</summary>
    private static async Task<WorkflowDefinition> PinnedDefinitionAsync(Run run, DefinitionCatalog definitions, CancellationToken cancellationToken) =>
        await definitions.FindDefinitionAsync(run.DefinitionId, run.DefinitionVersion, cancellationToken)
            ?? throw new NotFoundException($"run {run.Id} pinned {run.DefinitionId} v{run.DefinitionVersion}, which is not published");

    internal static ProblemHttpResult Forbidden(ApiCaller caller, ApiRole required, string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"token '{caller.TokenName}' has role {caller.Role.Name()}; to {what} it needs role {required.Name()}");
}
