using System.Text.Json.Nodes;
using System.Text.Json;
using LeoPass.Recovery.Contracts;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Server.Roles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeoPass.Recovery.Server.Apis;

/// <summary>GET /api/activities: the activity catalogue of this node, from the descriptors definitions are validated against.</summary>
public static class ActivitiesApi
{
    public static RouteHandlerBuilder MapActivitiesApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/activities", ListActivities).WithName("ListActivities").WithTags("Definitions").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("Every activity a step may use: name, description, category, parameters as JSON Schema (type, format, enum, default, required, secret), outputs, whether a retry is safe, its undo, whether it can plan a dry run");

    public static Ok<IReadOnlyList<ActivityEntry>> ListActivities(ActivityRegistry registry) =>
        TypedResults.Ok<IReadOnlyList<ActivityEntry>>(registry.All.Select(r => r.Descriptor).OrderBy(d => d.Type, StringComparer.Ordinal)
            .Select(d => new ActivityEntry(d.Type, d.Description, d.Category, JsonSerializer.SerializeToElement(ParameterSchema(d)),
                d.Outputs.Select(o => new ActivityOutputEntry(o.Name, o.Description)).ToList(), d.RetrySafe, d.Undo,
                typeof(IActivityPlanner).IsAssignableFrom(registry.Find(d.Type)!.ImplementationType))).ToList());

    /// <summary>The parameters as a JSON Schema object, so a form can be generated from it and a step's values checked against it.</summary>
    public static JsonObject ParameterSchema(ActivityDescriptor descriptor)
    {
        var properties = new JsonObject();
        foreach (var parameter in descriptor.Parameters)
        {
            var property = new JsonObject { ["type"] = parameter.SchemaType, ["description"] = parameter.Description };
            if (parameter.Default is not null) property["default"] = parameter.Default.DeepClone();
            if (parameter.Secret) property["secret"] = true;
            if (parameter.Format is not null) property["format"] = parameter.Format;
            if (parameter.Allowed is { } allowed) property["enum"] = new JsonArray([.. allowed.Select(a => (JsonNode?)JsonValue.Create(a))]);
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
