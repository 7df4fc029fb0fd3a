using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>One activity a step may use, as the designer's palette and property panel need it.</summary>
/// <param name="Parameters">A JSON Schema object: each property's type, description and default; <c>required</c>; <c>"secret": true</c> on credentials (give them as <c>${NAME}</c>).</param>
/// <param name="Undo">The activity that undoes this one's effect, or null.</param>
public sealed record ActivityEntry(string Name, string Description, JsonObject Parameters, IReadOnlyList<ActivityOutput> Outputs, bool RetrySafe, string? Undo);

/// <summary>GET /api/activities: the activity catalogue of this node, from the descriptors definitions are validated against.</summary>
public static class ActivitiesApi
{
    public static RouteHandlerBuilder MapActivitiesApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/activities", ListActivities).WithName("ListActivities").WithTags("Definitions").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("Every activity a step may use: name, description, parameters as JSON Schema (type, default, required, secret), outputs, whether a retry is safe, its undo");

    public static Ok<IReadOnlyList<ActivityEntry>> ListActivities(ActivityRegistry registry) =>
        TypedResults.Ok<IReadOnlyList<ActivityEntry>>(registry.All.Select(r => r.Descriptor).OrderBy(d => d.Type, StringComparer.Ordinal)
            .Select(d => new ActivityEntry(d.Type, d.Description, ParameterSchema(d), d.Outputs, d.RetrySafe, d.Undo)).ToList());

    /// <summary>The parameters as a JSON Schema object, so a form can be generated from it and a step's values checked against it.</summary>
    public static JsonObject ParameterSchema(ActivityDescriptor descriptor)
    {
        var properties = new JsonObject();
        foreach (var parameter in descriptor.Parameters)
        {
            var property = new JsonObject { ["type"] = parameter.SchemaType, ["description"] = parameter.Description };
            if (parameter.Default is not null) property["default"] = parameter.Default.DeepClone();
            if (parameter.Secret) property["secret"] = true;
            properties[parameter.Name] = property;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(descriptor.Parameters.Where(p => p.Required && p.Default is null).Select(p => (JsonNode?)JsonValue.Create(p.Name)).ToArray()),
            ["additionalProperties"] = false,
        };
    }
}
