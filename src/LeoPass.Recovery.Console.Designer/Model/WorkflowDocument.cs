using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>
/// The definition being designed, as the JSON the API validates, stores and exports. Every edit
/// goes through <see cref="Edit"/>, which keeps the state before it: undo and redo restore whole
/// snapshots, so an undone delete brings the step back exactly as it was (parameters, retry, gate).
/// </summary>
public sealed class WorkflowDocument
{
    /// <summary>Edits remembered for undo; older ones are forgotten.</summary>
    public const int HistoryLimit = 200;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly List<string> _undo = [];
    private readonly List<string> _redo = [];
    private JsonObject _root;

    public WorkflowDocument(JsonObject root) => _root = root;

    public static WorkflowDocument Parse(string json) => new(JsonNode.Parse(json) as JsonObject ?? throw new JsonException("a workflow definition is a JSON object"));

    /// <summary>A new definition: an id, a title, started by hand or the API, operators may drive it, no steps yet.</summary>
    public static WorkflowDocument New(string id, string title) => new(new JsonObject
    {
        ["id"] = id,
        ["version"] = 1,
        ["title"] = title,
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["rtoTarget"] = "PT2H",
        ["policy"] = new JsonObject { ["start"] = "operator", ["skip"] = "operator", ["abort"] = "operator" },
        ["steps"] = new JsonArray(),
    });

    /// <summary>Raised after every edit, undo and redo.</summary>
    public event Action? Changed;

    public JsonObject Root => _root;

    public string Id => Text(_root, "id") ?? "";

    public string Title => Text(_root, "title") ?? Id;

    public bool CanUndo => _undo.Count > 0;

    public bool CanRedo => _redo.Count > 0;

    /// <summary>What the last edit did, for the undo button's label.</summary>
    public string? LastEdit { get; private set; }

    public IReadOnlyList<JsonObject> Steps => (_root["steps"] as JsonArray ?? []).OfType<JsonObject>().ToList();

    public string ToJson() => _root.ToJsonString(Indented);

    public JsonElement ToElement() => JsonSerializer.SerializeToElement(_root);

    /// <summary>Changes the definition, remembering how it was before.</summary>
    public void Edit(string description, Action<JsonObject> change)
    {
        _undo.Add(_root.ToJsonString());
        if (_undo.Count > HistoryLimit) _undo.RemoveAt(0);
        _redo.Clear();
        change(_root);
        LastEdit = description;
        Changed?.Invoke();
    }

    public void Undo()
    {
        if (_undo.Count == 0) return;
        _redo.Add(_root.ToJsonString());
        _root = JsonNode.Parse(_undo[^1])!.AsObject();
        _undo.RemoveAt(_undo.Count - 1);
        Changed?.Invoke();
    }

    public void Redo()
    {
        if (_redo.Count == 0) return;
        _undo.Add(_root.ToJsonString());
        _root = JsonNode.Parse(_redo[^1])!.AsObject();
        _redo.RemoveAt(_redo.Count - 1);
        Changed?.Invoke();
    }

    /// <summary>Inserts a step of <paramref name="activity"/> at <paramref name="index"/> (0: first) with an id no other step has; returns the id.</summary>
    public string InsertStep(int index, string activity)
    {
        var stem = activity.Split('.')[^1];
        var id = stem;
        for (var n = 2; Steps.Any(s => Text(s, "id") == id); n++) id = $"{stem}-{n}";
        Edit($"add step {id}", root =>
        {
            var steps = StepsArray(root);
            steps.Insert(Math.Clamp(index, 0, steps.Count), new JsonObject { ["id"] = id, ["title"] = id, ["activity"] = activity, ["parameters"] = new JsonObject() });
        });
        return id;
    }

    /// <summary>Moves the step at <paramref name="from"/> so it ends up at <paramref name="to"/> (both 0-based, in the list as it is now).</summary>
    public void MoveStep(int from, int to)
    {
        var count = Steps.Count;
        if (from < 0 || from >= count) return;
        to = Math.Clamp(to, 0, count - 1);
        if (from == to) return;
        Edit($"move step {StepId(from)}", root =>
        {
            var steps = StepsArray(root);
            var step = steps[from]!;
            steps.RemoveAt(from);
            steps.Insert(to, step);
        });
    }

    public void DeleteStep(int index)
    {
        if (index < 0 || index >= Steps.Count) return;
        Edit($"delete step {StepId(index)}", root => StepsArray(root).RemoveAt(index));
    }

    public string StepId(int index) => Text(Steps[index], "id") ?? "";

    /// <summary>A value by dotted path inside the definition ("title", "policy.start", "trigger.cron").</summary>
    public JsonNode? Value(string path) => Find(_root, path);

    /// <summary>A value by dotted path inside step <paramref name="index"/> ("title", "parameters.duration", "retry.maxAttempts").</summary>
    public JsonNode? StepValue(int index, string path) => index >= 0 && index < Steps.Count ? Find(Steps[index], path) : null;

    /// <summary>Sets (or, with null, removes) a value in the definition; empty objects left behind are removed too.</summary>
    public void SetValue(string path, JsonNode? value)
    {
        if (JsonNode.DeepEquals(Value(path), value)) return;
        Edit($"set {path}", root => Set(root, path, value));
    }

    public void SetStepValue(int index, string path, JsonNode? value)
    {
        if (index < 0 || index >= Steps.Count || JsonNode.DeepEquals(StepValue(index, path), value)) return;
        Edit($"set {path} of step {StepId(index)}", root => Set((JsonObject)StepsArray(root)[index]!, path, value));
    }

    public static string? Text(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonArray StepsArray(JsonObject root)
    {
        if (root["steps"] is not JsonArray steps) root["steps"] = steps = [];
        return steps;
    }

    private static JsonNode? Find(JsonObject node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.')) current = current is JsonObject o ? o[part] : null;
        return current;
    }

    private static void Set(JsonObject node, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var parents = new List<JsonObject> { node };
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (parents[^1][parts[i]] is not JsonObject child)
            {
                if (value is null) return;
                parents[^1][parts[i]] = child = [];
            }
            parents.Add(child);
        }
        if (value is null) parents[^1].Remove(parts[^1]);
        else parents[^1][parts[^1]] = value.DeepClone();
        // An object emptied by this edit ("retry": {}) goes too: the file stays as a person would write it.
        for (var i = parents.Count - 1; i > 0; i--)
        {
            if (parents[i].Count > 0) break;
            parents[i - 1].Remove(parts[i - 1]);
        }
    }
}
