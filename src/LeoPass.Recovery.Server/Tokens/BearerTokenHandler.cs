using System.Text.Encodings.Web;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeoPass.Recovery.Server.Tokens;

/// <summary>
/// <c>Authorization: Bearer lpr_…</c> against the token store. Unknown and revoked tokens fail
/// alike (401), and each failure counts against the client's address in <see cref="AuthFailureLimiter"/>.
/// The token itself is never logged, not even in part.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    TokenStore tokens,
    AuthFailureLimiter limiter,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            _failure = "no bearer token: send 'Authorization: Bearer <token>' (create one with `leopass-recovery token create`)";
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            _failure = "the Authorization header must use the Bearer scheme";
            return AuthenticateResult.Fail(_failure);
        }
        var token = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (token is null)
        {
            _failure = "the bearer token is unknown or revoked";
            return AuthenticateResult.Fail(_failure);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(ApiCaller.Principal(token.Name, token.Role, SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var address = Context.Connection.RemoteIpAddress;
        limiter.RecordFailure(address);
        Logger.LogWarning("authentication failed from {Address} for {Method} {Path}: {Reason}", address, Request.Method, Request.Path, _failure ?? "not authenticated");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"leopass-recovery\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = "Unauthorized", Detail = _failure ?? "authentication is required" },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var caller = ApiCaller.From(Context.User);
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = 403,
                Title = "Forbidden",
                Detail = caller is null ? "this token may not do this" : $"token '{caller.TokenName}' has role {caller.Role.Name()}, which may not do this",
            },
        });
    }
}
