using System.Net;
using LeoPass.Recovery.Server.Tests.Support;

namespace LeoPass.Recovery.Server.Tests;

[Collection(ApiCollection.Name)]
public sealed class ActivitiesApiTests(ApiHost host)
{
    [Fact]
    public async Task The_catalogue_lists_every_activity_with_its_parameter_schema_outputs_retry_safety_and_undo()
    {
        var (status, list) = await host.Viewer.GetJsonAsync("/api/activities");
        Assert.Equal(HttpStatusCode.OK, status);
        var activities = list!.AsArray().ToDictionary(a => a!["name"]!.GetValue<string>(), a => a!);
        // Every activity a shipped definition uses is listed.
        foreach (var name in new[] { "backup.dump-upload", "backup.verify", "runbook.quarantine-traffic", "runbook.reopen-traffic", "runbook.restore", "diagnostics.sleep" })
        {
            Assert.True(activities.ContainsKey(name), $"{name} missing from {string.Join(", ", activities.Keys)}");
        }
        Assert.Equal(activities.Keys.Order(StringComparer.Ordinal), activities.Keys);

        var sleep = activities["diagnostics.sleep"];
        Assert.False(string.IsNullOrWhiteSpace(sleep["description"]!.GetValue<string>()));
        Assert.Equal("object", sleep["parameters"]!["type"]!.GetValue<string>());
        Assert.Equal(["duration"], sleep["parameters"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("string", sleep["parameters"]!["properties"]!["duration"]!["type"]!.GetValue<string>());

        var failUntil = activities["diagnostics.fail-until"]["parameters"]!["properties"]!;
        Assert.Equal("integer", failUntil["succeedOnAttempt"]!["type"]!.GetValue<string>());
        Assert.Equal("diagnostic failure", failUntil["message"]!["default"]!.GetValue<string>());

        var echo = activities["diagnostics.echo"]["parameters"]!["properties"]!;
        Assert.True(echo["credential"]!["secret"]!.GetValue<bool>());
        Assert.Null(echo["text"]!["secret"]);

        var quarantine = activities["runbook.quarantine-traffic"];
        Assert.Equal("runbook.reopen-traffic", quarantine["undo"]!.GetValue<string>());
        Assert.Equal("runbook.quarantine-traffic", activities["runbook.reopen-traffic"]["undo"]!.GetValue<string>());
        Assert.Equal("boolean", quarantine["parameters"]!["properties"]!["workers"]!["type"]!.GetValue<string>());
        Assert.True(quarantine["retrySafe"]!.GetValue<bool>());
        Assert.Contains(activities["backup.dump-upload"]["outputs"]!.AsArray(), o => o!["name"]!.GetValue<string>() == "key");
        Assert.Null(activities["diagnostics.noop"]["undo"]);
    }

    [Fact]
    public async Task The_catalogue_needs_a_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client(null).GetJsonAsync("/api/activities")).Status);
    }
}
