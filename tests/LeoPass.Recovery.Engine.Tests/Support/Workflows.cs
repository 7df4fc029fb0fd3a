using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>Builds definition JSON for tests, one step object at a time.</summary>
public static class Workflows
{
    public static string Definition(string id, params JsonObject[] steps) => Definition(id, 1, steps);

    public static string Definition(string id, int version, params JsonObject[] steps) => new JsonObject
    {
        ["id"] = id,
        ["version"] = version,
        ["title"] = $"test workflow {id}",
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["rtoTarget"] = "PT2H",
        ["parameters"] = new JsonObject { ["label"] = new JsonObject { ["default"] = "from-run" } },
        ["steps"] = new JsonArray(steps.Select(s => (JsonNode)s).ToArray()),
    }.ToJsonString();

    public static JsonObject Step(string id, string activity, JsonObject? parameters = null, int maxAttempts = 1, string? timeout = null, bool enabled = true)
    {
        var step = new JsonObject
        {
            ["id"] = id,
            ["activity"] = activity,
            ["parameters"] = parameters ?? [],
            ["retry"] = new JsonObject { ["maxAttempts"] = maxAttempts, ["delay"] = "PT0S" },
            ["enabled"] = enabled,
        };
        if (timeout is not null) step["timeout"] = timeout;
        return step;
    }

    public static JsonObject Sleep(string id, string duration = "PT0S") => Step(id, "diagnostics.sleep", new JsonObject { ["duration"] = duration });

    public static JsonObject Noop(string id) => Step(id, "diagnostics.noop");

    public static JsonObject FailUntil(string id, int succeedOnAttempt, int maxAttempts) =>
        Step(id, "diagnostics.fail-until", new JsonObject { ["succeedOnAttempt"] = succeedOnAttempt }, maxAttempts);

    public static JsonObject WithGate(this JsonObject step, string side, string question = "Go ahead?")
    {
        step["gate"] = new JsonObject { [side] = question };
        return step;
    }
}
