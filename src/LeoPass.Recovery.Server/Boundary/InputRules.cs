using LeoPass.Recovery.Server.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeoPass.Recovery.Server.Boundary;

/// <summary>What every route value, query value and JSON body must be, whatever the endpoint.</summary>
public static class InputRules
{
    /// <summary>
    /// Longer than any id, key, name or date this API takes. Below the 255 bytes a file name may
    /// have, so no value can make the filesystem store fail on its length.
    /// </summary>
    public const int MaxValueLength = 200;

    /// <summary>A definition is a few kilobytes; a megabyte is room for any real one.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>A definition nests about six levels; deeper is not a definition.</summary>
    public const int MaxJsonDepth = 32;

    /// <summary>
    /// No control character (PostgreSQL cannot store a NUL; the others are never part of an id),
    /// no value longer than <see cref="MaxValueLength"/>. Returns false when it added an error.
    /// </summary>
    public static bool CheckText(Validation errors, string name, string text)
    {
        if (text.Length > MaxValueLength)
        {
            errors.Add(name, $"{name} is {text.Length} characters long; at most {MaxValueLength} are accepted");
            return false;
        }
        var at = text.AsSpan().IndexOfAnyInRange('\0', '\u001f') is var c0 and >= 0 ? c0 : text.IndexOf('\u007f');
        if (at >= 0)
        {
            errors.Add(name, $"{name} contains the control character U+{(int)text[at]:X4}; send printable text");
            return false;
        }
        return true;
    }

    /// <summary>A route value is one path segment naming something: never a path of its own.</summary>
    public static bool CheckSegment(Validation errors, string name, string text)
    {
        if (text.AsSpan().IndexOfAny('/', '\\', '%') >= 0 || text.Contains("..", StringComparison.Ordinal))
        {
            errors.Add(name, $"{name} must be a name, not a path (no '/', '\\', '%' or '..')");
            return false;
        }
        return true;
    }

    /// <summary>A route parameter constrained to a whole number (<c>{id:long}</c>) is an id, and ids start at 1.</summary>
    public static bool IsIdRoute(RouteEndpoint endpoint, string name) =>
        endpoint.RoutePattern.GetParameter(name)?.ParameterPolicies.Any(p => p.Content is "long" or "int") == true;

    /// <summary>A catch-all route parameter (<c>{**rest}</c>) is a path by design (the console's deep links).</summary>
    public static bool IsCatchAll(RouteEndpoint endpoint, string name) => endpoint.RoutePattern.GetParameter(name)?.IsCatchAll == true;

    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || type.Contains("+json", StringComparison.OrdinalIgnoreCase));
}
