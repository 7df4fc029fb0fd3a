using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace LeoPass.Recovery.Server.Auth;

/// <summary>Answers 429 (with Retry-After) to a client locked out by <see cref="AuthFailureLimiter"/>, before any token is looked at.</summary>
public sealed class AuthThrottleMiddleware(RequestDelegate next, AuthFailureLimiter limiter, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api") && limiter.RetryAfter(context.Connection.RemoteIpAddress) is { } wait)
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
