using System.Text.Json.Nodes;
using LeoPass.Recovery.Console.Designer.Canvas;
using LeoPass.Recovery.Console.Designer.Model;

namespace LeoPass.Recovery.Console.Tests;

/// <summary>The canvas component: one option per step, in order, named by what it shows; keys and drops go to the page.</summary>
public sealed class DesignerCanvasTests : BunitContext
{
    private static IReadOnlyList<CanvasNode> Nodes(int count, int? selected = null)
    {
        var document = WorkflowDocument.New("canvas", "Canvas");
        for (var i = 0; i < count; i++) document.InsertStep(i, "diagnostics.sleep");
        document.SetStepValue(0, "gate.before", JsonValue.Create(true));
        var errors = ValidationErrors.Place(new Dictionary<string, string[]> { ["$.steps[1].parameters.duration"] = ["'soon' is not an ISO 8601 duration"] });
        return CanvasLayout.Build(document.Steps, errors, null, selected);
    }

    [Fact]
    public void Sixty_steps_draw_sixty_options_in_order_with_their_badges_and_errors_and_one_tab_stop()
    {
        var canvas = Render<WorkflowCanvas>(p => p.Add(c => c.Nodes, Nodes(60)).Add(c => c.Editable, true));

        var options = canvas.FindAll("[role=option]");
        Assert.Equal(60, options.Count);
        Assert.Equal("sleep-60", options[^1].GetAttribute("data-step"));
        Assert.Equal("gate before", options[0].QuerySelector(".nbadge.gate")!.TextContent);
        Assert.Contains("'soon' is not an ISO 8601 duration", options[1].QuerySelector(".node-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("has-error", options[1].ClassList);
        // Roving focus: one node is in the tab order, the arrow keys reach the others.
        Assert.Single(options, o => o.GetAttribute("tabindex") == "0");
        Assert.Equal(61, canvas.FindAll(".slot[data-slot]").Count);
    }

    [Fact]
    public void Keys_and_drops_are_handed_to_the_page_with_the_step_they_concern()
    {
        NodeKey? pressed = null;
        int? dropped = null;
        var canvas = Render<WorkflowCanvas>(p => p
            .Add(c => c.Nodes, Nodes(3, selected: 1))
            .Add(c => c.Selected, 1)
            .Add(c => c.Editable, true)
            .Add(c => c.OnKey, key => pressed = key)
            .Add(c => c.OnDrop, slot => dropped = slot));

        canvas.Find("[data-step-index='1']").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "ArrowDown", AltKey = true });
        Assert.Equal(new NodeKey(1, "ArrowDown", true), pressed);
        canvas.Find(".slot[data-slot='3']").Drop();
        Assert.Equal(3, dropped);
        Assert.Equal("true", canvas.Find("[data-step-index='1']").GetAttribute("aria-selected"));
    }
}
