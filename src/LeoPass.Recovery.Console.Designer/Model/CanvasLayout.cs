using System.Globalization;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>A badge on a node: what a person checks before running it.</summary>
/// <param name="Kind">gate, disabled, retry or timeout (the CSS class).</param>
public sealed record NodeBadge(string Kind, string Text);

/// <summary>One step as the canvas draws it.</summary>
/// <param name="Numbered">The title already starts with the step's position ("3. Download…"): no second number is drawn.</param>
/// <param name="Label">The node in one sentence (position, title, activity, badges, errors, overlay): its tooltip. Its accessible name is its visible text.</param>
public sealed record CanvasNode(
    int Index,
    string Id,
    string Title,
    string Activity,
    bool Enabled,
    IReadOnlyList<NodeBadge> Badges,
    IReadOnlyList<PlacedError> Errors,
    StepOverlay? Overlay,
    bool Selected,
    string Label,
    bool Numbered);

/// <summary>
/// The canvas of an ordered runbook: one node per step, top to bottom, connected in order, with a
/// drop slot before each node and after the last. Pure: the definition's steps, the placed
/// validation errors and the run overlay in; what each node shows and says out.
/// </summary>
public static class CanvasLayout
{
    public static IReadOnlyList<CanvasNode> Build(IReadOnlyList<JsonObject> steps, IReadOnlyList<PlacedError> errors, IReadOnlyDictionary<string, StepOverlay>? overlay, int? selected)
    {
        var nodes = new List<CanvasNode>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var id = WorkflowDocument.Text(step, "id") ?? "";
            var title = WorkflowDocument.Text(step, "title") is { Length: > 0 } t ? t : id;
            var activity = WorkflowDocument.Text(step, "activity") ?? "";
            var enabled = step["enabled"] is not JsonValue e || !e.TryGetValue<bool>(out var on) || on;
            var badges = Badges(step, enabled);
            var stepErrors = errors.Where(x => x.Step == i).ToList();
            var stepOverlay = overlay?.GetValueOrDefault(id);
            nodes.Add(new CanvasNode(i, id, title, activity, enabled, badges, stepErrors, stepOverlay, selected == i,
                Label(i, steps.Count, title, activity, badges, stepErrors, stepOverlay), IsNumbered(title, i)));
        }
        return nodes;
    }

    public static IReadOnlyList<NodeBadge> Badges(JsonObject step, bool enabled)
    {
        var badges = new List<NodeBadge>();
        if (step["gate"] is JsonObject gate)
        {
            if (IsGate(gate["before"])) badges.Add(new NodeBadge("gate", "gate before"));
            if (IsGate(gate["after"])) badges.Add(new NodeBadge("gate", "gate after"));
        }
        if (!enabled) badges.Add(new NodeBadge("disabled", "disabled"));
        if (step["retry"]?["maxAttempts"] is JsonValue attempts && attempts.TryGetValue<int>(out var n) && n > 1)
        {
            var backoff = step["retry"]?["backoff"] is JsonValue b && b.TryGetValue<string>(out var kind) ? $" {kind}" : "";
            badges.Add(new NodeBadge("retry", string.Create(CultureInfo.InvariantCulture, $"retry ×{n}{backoff}")));
        }
        if (step["timeout"] is JsonValue timeout && timeout.TryGetValue<string>(out var text))
        {
            badges.Add(new NodeBadge("timeout", "timeout " + (IsoDuration.TryParse(text, out var value) ? DesignerText.Duration(value) : text)));
        }
        return badges;
    }

    /// <summary>Whether a title begins with its own position, as the shipped runbooks' titles do ("3. Download…").</summary>
    public static bool IsNumbered(string title, int index) => title.StartsWith(string.Create(CultureInfo.InvariantCulture, $"{index + 1}."), StringComparison.Ordinal);

    /// <summary>A gate side is on when it is true or a question (the schema's gateSide).</summary>
    public static bool IsGate(JsonNode? side) => side is JsonValue v && (v.TryGetValue<bool>(out var on) ? on : v.TryGetValue<string>(out _));

    /// <summary>What the overlay says on a node, in words: the last run's outcome and duration, the median, or that it runs now.</summary>
    public static string? OverlayText(StepOverlay? overlay) => overlay switch
    {
        null => null,
        { Running: true } => $"running now (run {overlay.RunningRun})",
        { LastState: { } state } => $"last: {DesignerText.State(state)}"
            + (overlay.LastDuration is { } d && state != StepState.Skipped ? $" in {DesignerText.Duration(d)}" : "")
            + (overlay.Median is { } m ? string.Create(CultureInfo.InvariantCulture, $" · median {DesignerText.Duration(m)} over {overlay.Samples} run{(overlay.Samples == 1 ? "" : "s")}") : ""),
        _ => null,
    };

    private static string Label(int index, int count, string title, string activity, IReadOnlyList<NodeBadge> badges, List<PlacedError> errors, StepOverlay? overlay)
    {
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"Step {index + 1} of {count}: {title}"), activity };
        parts.AddRange(badges.Select(b => b.Text));
        if (errors.Count > 0) parts.Add(errors.Count == 1 ? "1 error" : string.Create(CultureInfo.InvariantCulture, $"{errors.Count} errors"));
        if (OverlayText(overlay) is { } text) parts.Add(text);
        return string.Join(", ", parts);
    }
}
