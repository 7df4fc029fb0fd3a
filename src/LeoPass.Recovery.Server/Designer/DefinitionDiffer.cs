using System.Text.Json.Nodes;
using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Server.Designer;

/// <summary>
/// What changed between two versions of a definition, the way a reviewer reads a runbook: the
/// definition's own fields, then its steps matched by id — added, removed, moved (out of the order
/// the other steps keep) and changed, each with the fields that differ by path
/// (<c>parameters.backup</c>, <c>retry.maxAttempts</c>). Pure: JSON in, differences out.
/// </summary>
public static class DefinitionDiffer
{
    /// <summary>Fields that differ between any two versions by definition: not news.</summary>
    private static readonly HashSet<string> Ignored = ["version", "$schema", "steps"];

    /// <summary>A step's id is how steps are matched, so it is never a changed field.</summary>
    private static readonly HashSet<string> StepIgnored = ["id"];

    public static DefinitionDiff Compare(JsonObject older, JsonObject newer)
    {
        var definition = Fields(older, newer, Ignored);
        var oldSteps = StepsOf(older);
        var newSteps = StepsOf(newer);
        var oldIndex = oldSteps.Select((s, i) => (s.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var newIds = newSteps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var kept = KeptInOrder(newSteps.Select(s => s.Id).Where(oldIndex.ContainsKey).ToList(), oldIndex);

        var changes = new List<StepChange>();
        for (var i = 0; i < newSteps.Count; i++)
        {
            var (id, step) = newSteps[i];
            var title = step["title"]?.GetValue<string>() ?? id;
            if (!oldIndex.TryGetValue(id, out var before))
            {
                changes.Add(new StepChange(id, title, StepChangeKind.Added, null, i + 1, Fields(new JsonObject(), step, StepIgnored)));
                continue;
            }
            var fields = Fields(oldSteps[before].Step, step, StepIgnored);
            var kind = !kept.Contains(id) ? StepChangeKind.Moved : fields.Count > 0 ? StepChangeKind.Changed : StepChangeKind.Unchanged;
            changes.Add(new StepChange(id, title, kind, before + 1, i + 1, fields));
        }
        // A removed step is listed where it stood: after the step that preceded it in the older version.
        for (var i = 0; i < oldSteps.Count; i++)
        {
            var (id, step) = oldSteps[i];
            if (newIds.Contains(id)) continue;
            var previous = i == 0 ? -1 : changes.FindIndex(c => c.StepId == oldSteps[i - 1].Id);
            changes.Insert(previous + 1, new StepChange(id, step["title"]?.GetValue<string>() ?? id, StepChangeKind.Removed, i + 1, null, Fields(step, new JsonObject(), StepIgnored)));
        }
        return new DefinitionDiff("", "", "", definition, changes);
    }

    private static List<(string Id, JsonObject Step)> StepsOf(JsonObject definition) =>
        (definition["steps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => (s["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : "", s)).ToList();

    /// <summary>
    /// The steps that kept their relative order: the longest run of the newer order that is
    /// increasing in the older one. The others moved — inserting a step shifts positions, but moves nothing.
    /// </summary>
    private static HashSet<string> KeptInOrder(List<string> common, Dictionary<string, int> oldIndex)
    {
        var length = new int[common.Count];
        var previous = new int[common.Count];
        var best = -1;
        for (var i = 0; i < common.Count; i++)
        {
            (length[i], previous[i]) = (1, -1);
            for (var j = 0; j < i; j++)
            {
                if (oldIndex[common[j]] < oldIndex[common[i]] && length[j] + 1 > length[i]) (length[i], previous[i]) = (length[j] + 1, j);
            }
            if (best < 0 || length[i] > length[best]) best = i;
        }
        var kept = new HashSet<string>(StringComparer.Ordinal);
        for (var i = best; i >= 0; i = previous[i]) kept.Add(common[i]);
        return kept;
    }

    private static List<FieldChange> Fields(JsonObject older, JsonObject newer, IReadOnlySet<string> ignored)
    {
        var before = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var after = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        Flatten(older, "", before, ignored);
        Flatten(newer, "", after, ignored);
        var changes = new List<FieldChange>();
        foreach (var path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(path, out var a);
            var has = after.TryGetValue(path, out var b);
            if (had && has && JsonNode.DeepEquals(a, b)) continue;
            changes.Add(new FieldChange(path, had ? Text(a) : null, has ? Text(b) : null));
        }
        return changes;
    }

    private static void Flatten(JsonObject node, string prefix, IDictionary<string, JsonNode?> into, IReadOnlySet<string> ignored)
    {
        foreach (var (name, value) in node)
        {
            if (prefix.Length == 0 && ignored.Contains(name)) continue;
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (value is JsonObject child && child.Count > 0) Flatten(child, path, into, ignored);
            else into[path] = value;
        }
    }

    private static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";
}
