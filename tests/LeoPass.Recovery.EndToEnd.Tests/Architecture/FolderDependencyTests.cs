using System.Text.RegularExpressions;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.EndToEnd.Tests.Architecture;

/// <summary>
/// Inside each project, folders are concepts (runs, journal, gates, tokens, …) and depend on each
/// other one way only: no folder imports another that imports it back, directly or around a loop.
/// A folder's namespace is its path, so its dependencies are the namespaces its files import or name.
/// The console's Razor components import every folder at once (_Imports.razor), so theirs are the
/// types of other folders they name: components, injected services, records.
/// </summary>
public partial class FolderDependencyTests
{
    public static TheoryData<string> Projects => new() { "Engine", "Server", "Runbook", "Backup", "Storage", "Core", "Cli", "Console", "Console.Client", "Console.Designer" };

    [Theory]
    [MemberData(nameof(Projects))]
    public void Folders_of_a_project_depend_on_each_other_without_a_cycle(string project)
    {
        var graph = FolderGraph(project);
        Assert.True(graph.Count > 0, $"no folders found in LeoPass.Recovery.{project}");
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"LeoPass.Recovery.{project} has a folder cycle: {string.Join(" → ", cycle ?? [])}");
    }

    [Fact]
    public void A_cycle_is_found_when_there_is_one()
    {
        var graph = new Dictionary<string, HashSet<string>> { ["Runs"] = ["Journal"], ["Journal"] = ["Gates"], ["Gates"] = ["Runs"], ["Steps"] = [] };
        // Where the walk enters the cycle depends on the order it visits folders; the cycle itself does not.
        var cycle = FindCycle(graph)!;
        Assert.Equal(4, cycle.Count);
        Assert.Equal(cycle[0], cycle[^1]);
        Assert.Equal(["Gates", "Journal", "Runs"], cycle.Distinct().Order(StringComparer.Ordinal));
        Assert.All(cycle.Zip(cycle.Skip(1)), edge => Assert.Contains(edge.Second, graph[edge.First]));
        Assert.Null(FindCycle(new Dictionary<string, HashSet<string>> { ["Runs"] = [], ["Journal"] = ["Runs"] }));
    }

    /// <summary>Folder → folders its files import (using) or name by namespace, within one project.</summary>
    private static Dictionary<string, HashSet<string>> FolderGraph(string project)
    {
        var root = Path.Combine(RepositoryRoot.Path, "src", $"LeoPass.Recovery.{project}");
        // Console.Client keeps the console's namespaces (LeoPass.Recovery.Console.Api): a folder is named by its project's root namespace.
        var rootNamespace = RootNamespace().Match(File.ReadAllText(Path.Combine(root, $"LeoPass.Recovery.{project}.csproj")));
        var prefix = (rootNamespace.Success ? rootNamespace.Groups[1].Value : $"LeoPass.Recovery.{project}") + ".";
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Select(file => (file, relative: Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar)))
            .Where(f => f.relative[0] is not ("bin" or "obj") && Path.GetExtension(f.file) is ".cs" or ".razor")
            .Select(f => (f.file, folder: f.relative.Length == 1 ? "(root)" : f.relative[0]))
            .ToList();
        var declared = TypesByFolder(files);
        foreach (var (file, folder) in files)
        {
            if (!graph.TryGetValue(folder, out var uses)) graph[folder] = uses = [];
            var text = File.ReadAllText(file);
            foreach (Match m in NamespaceReference().Matches(text))
            {
                if (!m.Value.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var used = m.Value[prefix.Length..].Split('.')[0];
                if (used != folder && used != "Tests" && Directory.Exists(Path.Combine(root, used))) uses.Add(used);
            }
            if (file.EndsWith(".razor", StringComparison.Ordinal)) uses.UnionWith(RazorDependencies(text, folder, declared));
        }
        return graph;
    }

    /// <summary>Type names declared in each folder: classes, records, enums, interfaces, and each Razor component.</summary>
    private static Dictionary<string, HashSet<string>> TypesByFolder(List<(string File, string Folder)> files)
    {
        var declared = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (file, folder) in files.Where(f => f.Folder != "(root)"))
        {
            if (!declared.TryGetValue(folder, out var names)) declared[folder] = names = new HashSet<string>(StringComparer.Ordinal);
            if (file.EndsWith(".razor", StringComparison.Ordinal)) names.Add(Path.GetFileNameWithoutExtension(file));
            foreach (Match m in TypeDeclaration().Matches(Comments().Replace(File.ReadAllText(file), ""))) names.Add(m.Groups[1].Value);
        }
        return declared;
    }

    /// <summary>Folders whose types a component names (not as a member after a dot), or that it names as a namespace (Runs.TimelineLayout).</summary>
    private static IEnumerable<string> RazorDependencies(string razor, string folder, Dictionary<string, HashSet<string>> declared)
    {
        var code = Comments().Replace(razor, "");
        var names = CodeName().Matches(code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        return declared.Where(d => d.Key != folder && (d.Value.Overlaps(names) || Regex.IsMatch(code, $@"(?<![.\w]){d.Key}\.[A-Z]"))).Select(d => d.Key);
    }

    private static List<string>? FindCycle(IReadOnlyDictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        }
        return null;
    }

    [GeneratedRegex(@"LeoPass\.Recovery(?:\.\w+){2,}")]
    private static partial Regex NamespaceReference();

    [GeneratedRegex(@"<RootNamespace>([\w.]+)</RootNamespace>")]
    private static partial Regex RootNamespace();

    [GeneratedRegex(@"\b(?:class|record|enum|interface|struct)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    /// <summary>Razor, C# line and block comments, string literals and @using lines: words there name nothing.</summary>
    [GeneratedRegex(@"@\*.*?\*@|/\*.*?\*/|//[^\n]*|""[^""\n]*""|@using[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"(?<![.\w])([A-Z]\w*)\b")]
    private static partial Regex CodeName();
}
