using Microsoft.AspNetCore.Authorization;

namespace LeoPass.Recovery.Server.Roles;

/// <summary>
/// The role matrix in one place. Endpoints name the least role they need (a policy); operations
/// whose risk depends on the run's definition (starting, skipping, aborting a production
/// restore) check <see cref="ToStart"/> / <see cref="ToSkipOrAbort"/> in the handler.
/// </summary>
/// <remarks>
/// Why: a drill restores into staging and costs nothing if started twice, so any responder may
/// drive it. An incident restore quarantines production traffic and overwrites a database; a
/// dr-rehearsal drives the same infrastructure. Starting one, skipping one of its steps (e.g.
/// validation) or abandoning it is an admin's decision; retrying, resuming, approving or
/// rejecting its gates is the on-call responder's job and stays with operators.
/// </remarks>
public static class RolePolicies
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    /// <summary>Definitions that touch production or its infrastructure.</summary>
    public static readonly IReadOnlySet<string> AdminDefinitions = new HashSet<string>(StringComparer.Ordinal) { "incident-restore", "dr-rehearsal" };

    public static ApiRole ToStart(string definitionId) => AdminDefinitions.Contains(definitionId) ? ApiRole.Admin : ApiRole.Operator;

    public static ApiRole ToSkipOrAbort(string definitionId) => AdminDefinitions.Contains(definitionId) ? ApiRole.Admin : ApiRole.Operator;

    /// <param name="scheme">The authentication scheme that establishes the caller (the bearer tokens').</param>
    public static AuthorizationBuilder AddRolePolicies(this AuthorizationBuilder builder, string scheme)
    {
        foreach (var (name, role) in new[] { (Viewer, ApiRole.Viewer), (Operator, ApiRole.Operator), (Admin, ApiRole.Admin) })
        {
            builder.AddPolicy(name, policy => policy
                .AddAuthenticationSchemes(scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => ApiCaller.From(context.User)?.Has(role) == true));
        }
        return builder;
    }
}
