using System.Text.Json;
using LeoPass.Recovery.Backup;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Server.Idempotency;
using LeoPass.Recovery.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Server.Errors;

/// <summary>
/// Turns the engine's and the backup code's exceptions into RFC 7807 problem details: the
/// engine's refusals keep their message (it says the current state and what is allowed); an
/// unexpected exception is a 500 that says nothing about the inside.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception);
        if (problem.Status >= 500)
        {
            logger.LogError("{Method} {Path} failed: {Type}: {Message}", httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        }
        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails Describe(Exception exception) => exception switch
    {
        IllegalTransitionException e => new ProblemDetails
        {
            Status = 409,
            Title = "The run's state does not allow this",
            Detail = e.Message,
            Extensions = { ["currentState"] = e.CurrentState, ["operation"] = e.Operation, ["allowedNow"] = e.AllowedNow },
        },
        DefinitionVersionConflictException e => new ProblemDetails { Status = 409, Title = "Definition version already published", Detail = e.Message },
        DraftConflictException e => new ProblemDetails { Status = 409, Title = "Nothing was overwritten", Detail = e.Message },
        IdempotencyKeyReusedException e => new ProblemDetails { Status = 422, Title = "Idempotency-Key reused with a different request", Detail = e.Message },
        NotFoundException e => new ProblemDetails { Status = 404, Title = "Not found", Detail = e.Message },
        DefinitionPurposeException e => new ProblemDetails { Status = 409, Title = "No single definition has this purpose", Detail = e.Message },
        InvalidRunRequestException e => Validation.Problem(new Dictionary<string, string[]> { [FieldOf(e.Message)] = [e.Message] }),
        InvalidDefinitionException e => Validation.Problem(e.Errors.GroupBy(x => x.Path).ToDictionary(g => g.Key, g => g.Select(x => x.Reason).ToArray())),
        BadHttpRequestException { InnerException: JsonException json } => Validation.Problem(new Dictionary<string, string[]>
        {
            [json.Path is { Length: > 0 } path ? path : "body"] = [json.Message.Split(" Path:")[0]],
        }),
        BadHttpRequestException e when BoundParameter(e.Message) is { } field => Validation.Problem(new Dictionary<string, string[]> { [field] = [e.Message] }),
        BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Title = "Bad request", Detail = e.Message },
        BackupException e when e.Stage == "resolve" => new ProblemDetails { Status = 404, Title = "No such backup", Detail = e.Message },
        BackupException e when e.Stage == "signature" => new ProblemDetails { Status = 422, Title = "The backup is not signed by a trusted key", Detail = e.Message },
        _ when StoreFailure(exception) is { } store => StoreProblem(store),
        BackupException e => new ProblemDetails { Status = 502, Title = "The backup operation failed", Detail = e.Message },
        OperationCanceledException => new ProblemDetails { Status = 499, Title = "Cancelled" },
        _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = "an unexpected error occurred; the server log has the details" },
    };

    /// <summary>The artefact store's own failure, wherever it is in the chain (the backup code wraps it); not a missing key, which is the caller's 404.</summary>
    private static ArtefactStoreException? StoreFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ArtefactNotFoundException) return null;
            if (e is ArtefactStoreException store) return store;
        }
        return null;
    }

    /// <summary>
    /// No answer (or a 5xx) from the store is a 503 — try again later, as /health/ready says; a
    /// refusal (access denied, missing bucket) is a 502 — the store answered, this node's settings
    /// are wrong. The message names the store's endpoint and operation; it is masked like every
    /// problem detail, so no key or URL-held token leaves.
    /// </summary>
    private static ProblemDetails StoreProblem(ArtefactStoreException store) => store.IsPermanent
        ? new ProblemDetails { Status = 502, Title = "The artefact store refused the request", Detail = store.Message }
        : new ProblemDetails
        {
            Status = 503,
            Title = "The artefact store is unreachable",
            Detail = $"the artefact store is unreachable: {store.Message}; GET /health/ready says when it answers again",
        };

    /// <summary>ASP.NET Core's binding failures read 'Failed to bind parameter "RunState? state" from "x".': the field is "state".</summary>
    private static string? BoundParameter(string message)
    {
        const string marker = "parameter \"";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var end = message.IndexOf('"', at + marker.Length);
        if (end < 0) return null;
        var declaration = message[(at + marker.Length)..end];
        return declaration[(declaration.LastIndexOf(' ') + 1)..];
    }

    /// <summary>The engine names a parameter in its messages ("… parameter 'x' …"); the field is then parameters.x.</summary>
    private static string FieldOf(string message)
    {
        // The runbook's start check speaks the CLI's language: --confirm, restore point.
        if (message.Contains("--confirm", StringComparison.Ordinal)) return "parameters.confirm";
        if (message.Contains("restore point '", StringComparison.Ordinal)) return "parameters.backup";
        if (message.Contains("setting(s) missing or invalid", StringComparison.Ordinal)) return "settings";
        var at = message.IndexOf("parameter '", StringComparison.Ordinal);
        if (at < 0) return "body";
        var start = at + "parameter '".Length;
        var end = message.IndexOf('\'', start);
        return end > start ? $"parameters.{message[start..end]}" : "parameters";
    }
}
