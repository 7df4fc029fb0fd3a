using LeoPass.Recovery.Engine.Definitions;
using Microsoft.AspNetCore.Authorization;

namespace LeoPass.Recovery.Server.Roles;

/// <summary>
/// The role matrix in one place. Endpoints name the least role they need (a policy); operations
/// whose risk depends on the run's definition (starting, skipping, aborting a production
/// restore) check <see cref="ToStart"/> / <see cref="ToSkip"/> / <see cref="ToAbort"/> in the handler.
/// </summary>
/// <remarks>
/// Why the definition decides: a drill restores into staging and costs nothing if started twice,
/// so any responder may drive it; an incident restore quarantines production traffic and
/// overwrites a database, so starting one, skipping one of its steps (e.g. validation) or
/// abandoning it is an admin's decision. Each definition says which it is in its "policy", so a
/// runbook designed in the console carries its rules with it and no list of ids here can miss
/// one. Retrying, resuming, approving or rejecting gates stays with operators.
/// </remarks>
public static class RolePolicies
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static ApiRole ToStart(WorkflowDefinition definition) => Of(definition.Policy.Start);

    public static ApiRole ToSkip(WorkflowDefinition definition) => Of(definition.Policy.Skip);

    public static ApiRole ToAbort(WorkflowDefinition definition) => Of(definition.Policy.Abort);

    private static ApiRole Of(PolicyRole role) => role == PolicyRole.Admin ? ApiRole.Admin : ApiRole.Operator;

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
