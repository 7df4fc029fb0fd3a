using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>
/// Answers 429 (with Retry-After) to a request from an address locked out by <see cref="AuthFailureLimiter"/>
/// unless it carries a valid token. It runs after authentication, so it knows: throttling the failures
/// and not the address means a valid caller behind a shared proxy or NAT is never locked out by
/// someone else's bad requests. The cost: a locked-out address still gets its token looked up (one
/// hash and one indexed query; tokens not shaped like <c>lpr_…</c> are refused before the query).
/// Telling a valid token from an invalid one through 200 vs 429 gives a guesser nothing: a token
/// holds 256 random bits.
/// </summary>
public sealed class AuthThrottleMiddleware(RequestDelegate next, AuthFailureLimiter limiter, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api") && context.User.Identity?.IsAuthenticated != true && limiter.RetryAfter(context.Connection.RemoteIpAddress) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 429, Title = "Too many failed authentications", Detail = $"too many failed authentications from this address; try again in {seconds} s" },
            });
            return;
        }
        await next(context);
    }
}
