using System.ComponentModel.DataAnnotations;
using System.Reflection;
using LeoPass.Recovery.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace LeoPass.Recovery.Server.Boundary;

/// <summary>
/// The one place a request's input is checked before a handler, a store or the database sees it.
/// Every endpoint gets the generic rules (<see cref="InputRules"/>: no control character, no value
/// longer than <see cref="InputRules.MaxValueLength"/>, route ids positive, a JSON body of bounded
/// size and depth without NUL); a handler's parameter may narrow them with a data annotation
/// (<c>[StringLength]</c>, <c>[Range]</c>, <c>[RegularExpression]</c>). A refusal is a 400 problem
/// naming the parameter (413 for a body too large), so a caller's mistake is never blamed on a
/// store (502) or the server (500).
/// </summary>
/// <remarks>Runs after authorization: an unauthenticated caller learns nothing about the input rules.</remarks>
public sealed class InputBoundaryMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(http);
            return;
        }
        var errors = new Validation();
        var parameters = endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters() ?? [];
        foreach (var (name, value) in http.Request.RouteValues)
        {
            if (value is not string text || InputRules.IsCatchAll(endpoint, name)) continue;
            if (Check(errors, name, text, parameters, InputRules.IsIdRoute(endpoint, name))) InputRules.CheckSegment(errors, name, text);
        }
        foreach (var (name, values) in http.Request.Query)
        {
            InputRules.CheckText(errors, "query parameter name", name);
            foreach (var text in values) Check(errors, name, text ?? "", parameters, isId: false);
        }
        if (!errors.IsValid)
        {
            await WriteAsync(http, errors.Problem());
            return;
        }
        if (InputRules.IsJson(http.Request) && await JsonBodyCheck.CheckAsync(http.Request, http.RequestAborted) is { } refused)
        {
            await WriteAsync(http, refused);
            return;
        }
        await next(http);
    }

    private static bool Check(Validation errors, string name, string text, ParameterInfo[] parameters, bool isId)
    {
        var parameter = parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        // The handler's own rule first: its message says what the value is ("an artefact key"), the generic one only how long.
        foreach (var rule in parameter?.GetCustomAttributes<ValidationAttribute>() ?? [])
        {
            if (rule.GetValidationResult(text, new ValidationContext(text) { DisplayName = name, MemberName = name }) is { ErrorMessage: { } message })
            {
                errors.Add(name, message);
                return false;
            }
        }
        if (!InputRules.CheckText(errors, name, text)) return false;
        if (isId && !(long.TryParse(text, out var id) && id > 0))
        {
            errors.Add(name, $"{name} must be a positive whole number (ids start at 1)");
            return false;
        }
        return true;
    }

    private async Task WriteAsync(HttpContext http, ProblemDetails problem)
    {
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
