using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Activities.Diagnostics;
using LeoPass.Recovery.Engine.Definitions;
using static LeoPass.Recovery.Engine.Tests.Support.Workflows;

namespace LeoPass.Recovery.Engine.Tests.Definitions;

/// <summary>onAbort.undo is checked when a definition is published: only undo steps, each after a step it reverses.</summary>
public sealed class AbortUndoDefinitionTests
{
    // A switch and its undo, as runbook.failover-dns and runbook.failback-dns declare each other.
    private static readonly ActivityRegistry Activities = new([
        new ActivityRegistration(NoOpActivity.Descriptor, typeof(NoOpActivity)),
        new ActivityRegistration(new ActivityDescriptor("test.switch", "flips a switch", []) { Undo = "test.unswitch" }, typeof(NoOpActivity)),
        new ActivityRegistration(new ActivityDescriptor("test.unswitch", "flips it back", []) { Undo = "test.switch" }, typeof(NoOpActivity)),
    ]);

    private static readonly DefinitionLoader Loader = new(Activities, _ => null);

    private static string WithUndo(JsonNode undo, params JsonObject[] steps)
    {
        var json = JsonNode.Parse(Definition("x", steps))!;
        json["onAbort"] = new JsonObject { ["restoreTarget"] = "keep", ["undo"] = undo };
        return json.ToJsonString();
    }

    [Fact]
    public void An_undo_list_of_undo_steps_after_what_they_reverse_is_read_in_its_order()
    {
        var json = WithUndo(new JsonArray("unswitch", "also-unswitch"),
            Step("switch", "test.switch"), Noop("work"), Step("unswitch", "test.unswitch"), Step("also-unswitch", "test.unswitch"));

        var definition = Loader.Parse(json, "x.json").Definition;

        Assert.Equal(["unswitch", "also-unswitch"], definition.OnAbort.Undo);
        Assert.Equal(RestoreTargetOnAbort.Keep, definition.OnAbort.RestoreTarget);
        Assert.Empty(Loader.Parse(Definition("y", Noop("a")), "y.json").Definition.OnAbort.Undo);
    }

    [Fact]
    public void Publishing_refuses_an_undo_list_naming_a_missing_step_a_step_that_undoes_nothing_or_an_undo_with_nothing_before_it_to_undo()
    {
        var json = WithUndo(new JsonArray("ghost", "work", "unswitch"),
            Step("unswitch", "test.unswitch"), Noop("work"), Step("switch", "test.switch"));

        var errors = Assert.Throws<InvalidDefinitionException>(() => Loader.Parse(json, "workflows/bad.json")).Errors;

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Path == "$.onAbort.undo[0]" && e.Reason.StartsWith("'ghost' is not a step of this definition (steps: unswitch, work, switch)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.onAbort.undo[1]" && e.Reason.StartsWith("step 'work' runs 'diagnostics.noop', which undoes nothing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "$.onAbort.undo[2]" && e.Reason.Contains("undoes 'test.switch', which no earlier step of this definition runs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_step_listed_twice_is_refused_by_the_schema()
    {
        var json = WithUndo(new JsonArray("unswitch", "unswitch"), Step("switch", "test.switch"), Step("unswitch", "test.unswitch"));

        var errors = Assert.Throws<InvalidDefinitionException>(() => Loader.Parse(json, "workflows/bad.json")).Errors;

        Assert.Contains(errors, e => e.Path.StartsWith("$.onAbort.undo", StringComparison.Ordinal));
    }
}
