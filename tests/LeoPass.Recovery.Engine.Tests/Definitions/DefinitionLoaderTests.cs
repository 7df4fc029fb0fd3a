using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Activities.Diagnostics;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.TestSupport;
using static LeoPass.Recovery.Engine.Tests.Support.Workflows;

namespace LeoPass.Recovery.Engine.Tests.Definitions;

public sealed class DefinitionLoaderTests
{
    private static readonly ActivityRegistry Activities = new([
        new ActivityRegistration(SleepActivity.Descriptor, typeof(SleepActivity)),
        new ActivityRegistration(NoOpActivity.Descriptor, typeof(NoOpActivity)),
        new ActivityRegistration(FailUntilActivity.Descriptor, typeof(FailUntilActivity)),
    ]);

    private static DefinitionLoader Loader(params (string Name, string Value)[] environment) =>
        new(Activities, name => environment.FirstOrDefault(e => e.Name == name).Value);

    private static DefinitionError SingleError(string json, string file = "workflows/bad.json", DefinitionLoader? loader = null)
    {
        var e = Assert.Throws<InvalidDefinitionException>(() => (loader ?? Loader()).Parse(json, file));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void An_unknown_activity_is_refused_with_file_path_and_reason()
    {
        var error = SingleError(Definition("x", Noop("a"), Noop("b"), Step("c", "backup.teleport")));

        Assert.Equal("workflows/bad.json", error.File);
        Assert.Equal("$.steps[2].activity", error.Path);
        Assert.StartsWith("unknown activity type 'backup.teleport' (registered: diagnostics.fail-until, diagnostics.noop, diagnostics.sleep)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OnAbort_restoreTarget_is_read_and_keep_is_the_default()
    {
        var json = JsonNode.Parse(Definition("x", Noop("a")))!;
        Assert.Equal(RestoreTargetOnAbort.Keep, Loader().Parse(json.ToJsonString(), "x.json").Definition.OnAbort.RestoreTarget);

        json["onAbort"] = new JsonObject { ["restoreTarget"] = "drop" };
        Assert.Equal(RestoreTargetOnAbort.Drop, Loader().Parse(json.ToJsonString(), "x.json").Definition.OnAbort.RestoreTarget);

        json["onAbort"] = new JsonObject { ["restoreTarget"] = "keep" };
        Assert.Equal(RestoreTargetOnAbort.Keep, Loader().Parse(json.ToJsonString(), "x.json").Definition.OnAbort.RestoreTarget);
    }

    [Fact]
    public void An_onAbort_restoreTarget_other_than_keep_or_drop_is_refused_by_the_schema()
    {
        var json = JsonNode.Parse(Definition("x", Noop("a")))!;
        json["onAbort"] = new JsonObject { ["restoreTarget"] = "truncate" };

        var refused = Assert.Throws<InvalidDefinitionException>(() => Loader().Parse(json.ToJsonString(), "workflows/bad.json"));

        // (The schema validator also reports the trigger's if/then branch it tried; that is not this test's business.)
        var error = Assert.Single(refused.Errors, e => e.Path.StartsWith("$.onAbort", StringComparison.Ordinal));
        Assert.Equal("$.onAbort.restoreTarget", error.Path);
        Assert.Contains("enum", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_step_id_is_refused()
    {
        var error = SingleError(Definition("x", Noop("same"), Noop("other"), Noop("same")));

        Assert.Equal("$.steps[2].id", error.Path);
        Assert.Equal("duplicate step id 'same': also used by $.steps[0]", error.Reason);
    }

    [Fact]
    public void A_bad_cron_is_refused()
    {
        var json = JsonNode.Parse(Definition("x", Noop("a")))!;
        json["trigger"] = new JsonObject { ["type"] = "cron", ["cron"] = "0 25 * * *" };

        var error = SingleError(json.ToJsonString());

        Assert.Equal("$.trigger.cron", error.Path);
        Assert.StartsWith("cron '0 25 * * *' is not valid", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cron_from_the_environment_is_resolved_and_checked()
    {
        var json = JsonNode.Parse(Definition("x", Noop("a")))!;
        json["trigger"] = new JsonObject { ["type"] = "cron", ["cron"] = "${BACKUP_CRON:-0 2 * * *}", ["timeZone"] = "${BACKUP_TZ:-UTC}" };

        Loader().Parse(json.ToJsonString(), "ok.json");
        Loader(("BACKUP_CRON", "30 3 * * 1-5"), ("BACKUP_TZ", "Europe/Paris")).Parse(json.ToJsonString(), "ok.json");
        var error = SingleError(json.ToJsonString(), loader: Loader(("BACKUP_CRON", "every night")));
        Assert.Equal("$.trigger.cron", error.Path);
        Assert.Contains("resolved from '${BACKUP_CRON:-0 2 * * *}'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_parameter_is_refused()
    {
        var error = SingleError(Definition("x", Step("nap", "diagnostics.sleep")));

        Assert.Equal("$.steps[0].parameters.duration", error.Path);
        Assert.StartsWith("missing required parameter 'duration' of activity 'diagnostics.sleep'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_durations_and_unknown_parameters_are_all_reported_together()
    {
        var step = Sleep("a", "PT1S");
        step["timeout"] = "30 minutes";
        ((JsonObject)step["parameters"]!)["colour"] = "red";

        var e = Assert.Throws<InvalidDefinitionException>(() => Loader().Parse(Definition("x", step), "two.json"));

        Assert.Equal(2, e.Errors.Count);
        Assert.Contains(e.Errors, x => x.Path == "$.steps[0].timeout" && x.Reason.Contains("ISO 8601", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Path == "$.steps[0].parameters.colour" && x.Reason.Contains("has no parameter 'colour'", StringComparison.Ordinal));
        Assert.Contains("two.json: $.steps[0].timeout:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_a_later_step_or_undeclared_run_parameter_is_refused()
    {
        var e = Assert.Throws<InvalidDefinitionException>(() => Loader().Parse(Definition("x",
            Step("a", "diagnostics.sleep", new JsonObject { ["duration"] = "PT0S", ["label"] = "${steps.b.output.node} ${run.nope}" }),
            Noop("b")), "refs.json"));

        Assert.Contains(e.Errors, x => x.Path == "$.steps[0].parameters.label" && x.Reason.Contains("step 'b', which runs at or after this one: a cycle", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Reason.Contains("run parameter 'nope'", StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_violations_name_the_path()
    {
        var json = JsonNode.Parse(Definition("x", Noop("a")))!;
        json["steps"]![0]!["retry"] = new JsonObject { ["maxAttempts"] = 0 };

        var e = Assert.Throws<InvalidDefinitionException>(() => Loader().Parse(json.ToJsonString(), "schema.json"));

        Assert.Contains(e.Errors, x => x.Path == "$.steps[0].retry.maxAttempts");
    }

    [Fact]
    public void Every_definition_in_the_repository_is_valid_or_names_only_activities_registered_elsewhere()
    {
        var directory = Path.Combine(RepositoryRoot.Path, "workflows");
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Where(f => !f.EndsWith("schema.json", StringComparison.Ordinal)))
        {
            try
            {
                Loader().LoadFile(file);
            }
            catch (InvalidDefinitionException e)
            {
                // Only activity types from other modules (backup.*, runbook.*) may be unknown to the engine alone.
                Assert.All(e.Errors, x => Assert.StartsWith("unknown activity type", x.Reason, StringComparison.Ordinal));
            }
        }
    }
}
