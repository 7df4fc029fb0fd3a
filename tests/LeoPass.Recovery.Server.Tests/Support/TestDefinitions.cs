using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Server.Tests.Support;

/// <summary>
/// Definitions made of the engine's diagnostics activities, published in every test host.
/// <c>incident-restore</c> here is a stand-in with the production definition's id, so the
/// admin-only rule is tested on the id it applies to.
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
        Definition(IncidentRestore, Step("quarantine", "diagnostics.noop"), Step("restore", "diagnostics.noop")),
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
        ["steps"] = new JsonArray(steps.Select(s => (JsonNode)s).ToArray()),
    }.ToJsonString();

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
