using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>
/// Definitions made of the engine's diagnostics activities, published in every test host.
/// <c>incident-restore</c> here is a stand-in with the production definition's id and its
/// policy (admin to start, skip and abort; purpose incident), so the admin-only rule is tested
/// on a run that completes without touching production.
/// </summary>
public static class TestDefinitions
{
    public const string Drill = "api-drill";
    public const string Halting = "api-halting";
    public const string Gated = "api-gated";
    public const string Slow = "api-slow";
    public const string Leaky = "api-leaky";
    public const string Echo = "api-echo";
    public const string IncidentRestore = "incident-restore";

    public static IEnumerable<string> All =>
    [
        Definition(Drill, Step("quarantine", "diagnostics.noop"), Step("restore", "diagnostics.sleep", new() { ["duration"] = "PT0.05S" }), Step("validate", "diagnostics.noop")),
        Definition(Halting, Step("prepare", "diagnostics.noop"), Step("migrate", "diagnostics.fail-until", new() { ["succeedOnAttempt"] = 2 }), Step("validate", "diagnostics.noop")),
        Definition(Gated, Gate(Step("restore", "diagnostics.noop"), "before"), Step("reopen", "diagnostics.noop")),
        Definition(Slow, Step("long", "diagnostics.sleep", new() { ["duration"] = "PT30S" })),
        Definition(Leaky, Step("fail", "diagnostics.fail-until", new() { ["succeedOnAttempt"] = 0, ["message"] = "connection failed for ${run.label}" })),
        Definition(Echo, Step("echo", "diagnostics.echo", new() { ["text"] = "environment: ${run.label}" })),
        WithPolicy(Definition(IncidentRestore, Step("quarantine", "diagnostics.noop"), Step("restore", "diagnostics.noop")), "admin", "admin", "admin", "incident"),
    ];

    public static string Definition(string id, params JsonObject[] steps) => Definition(id, 1, steps);

    public static string Definition(string id, int version, params JsonObject[] steps) => new JsonObject
    {
        ["id"] = id,
        ["version"] = version,
        ["title"] = $"API test workflow {id}",
        ["trigger"] = new JsonObject { ["type"] = "api" },
        ["rtoTarget"] = "PT2H",
        ["parameters"] = new JsonObject { ["label"] = new JsonObject { ["default"] = "from-run" } },
        // Written out: a definition without a policy is admin's alone, and these are driven by operators.
        ["policy"] = new JsonObject { ["start"] = "operator", ["skip"] = "operator", ["abort"] = "operator" },
        ["steps"] = new JsonArray(steps.Select(s => (JsonNode)s).ToArray()),
    }.ToJsonString();

    /// <summary>The definition with a "policy" (least role to start, skip, abort) and, when given, a "purpose".</summary>
    public static string WithPolicy(string definition, string start, string skip, string abort, string? purpose = null)
    {
        var root = JsonNode.Parse(definition)!.AsObject();
        root["policy"] = new JsonObject { ["start"] = start, ["skip"] = skip, ["abort"] = abort };
        if (purpose is not null) root["purpose"] = purpose;
        return root.ToJsonString();
    }

    public static JsonObject Step(string id, string activity, JsonObject? parameters = null) => new()
    {
        ["id"] = id,
        ["activity"] = activity,
        ["parameters"] = parameters ?? [],
        ["retry"] = new JsonObject { ["maxAttempts"] = 1, ["delay"] = "PT0S" },
    };

    public static JsonObject Gate(JsonObject step, string side)
    {
        step["gate"] = new JsonObject { [side] = "Go ahead?" };
        return step;
    }
}
