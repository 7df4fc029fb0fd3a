using System.Security.Claims;

namespace LeoPass.Recovery.Server.Roles;

/// <summary>Who is calling, as the audit trail names them: <c>token:&lt;name&gt;</c>.</summary>
public sealed record ApiCaller(string TokenName, ApiRole Role)
{
    public const string RoleClaim = "lpr_role";

    public string Who => $"token:{TokenName}";

    public bool Has(ApiRole required) => Role.Includes(required);

    /// <summary>The principal of a caller authenticated by <paramref name="scheme"/> as the token named <paramref name="tokenName"/>.</summary>
    public static ClaimsPrincipal Principal(string tokenName, ApiRole role, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, tokenName), new Claim(RoleClaim, role.ToString())], scheme));

    public static ApiCaller? From(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { } name } && Enum.TryParse<ApiRole>(user.FindFirstValue(RoleClaim), out var role)
            ? new ApiCaller(name, role)
            : null;
}

public static class ApiCallerExtensions
{
    /// <summary>The authenticated caller; endpoints behind a policy always have one.</summary>
    public static ApiCaller Caller(this ClaimsPrincipal user) =>
        ApiCaller.From(user) ?? throw new InvalidOperationException("no authenticated caller: the endpoint is missing an authorization policy");
}
