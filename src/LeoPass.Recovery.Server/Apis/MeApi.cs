using System.Security.Claims;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>Who the token belongs to and what its role may do: the console signs in with it.</summary>
public sealed record Caller(string Name, string Role);

/// <summary>/api/me: the calling token's name and role.</summary>
public static class MeApi
{
    public static RouteHandlerBuilder MapMeApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/me", GetMe).WithName("GetMe").WithTags("Access").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("The calling token's name and role (viewer, operator or admin)");

    public static Ok<Caller> GetMe(ClaimsPrincipal user)
    {
        var caller = user.Caller();
        return TypedResults.Ok(new Caller(caller.TokenName, caller.Role.Name()));
    }
}
