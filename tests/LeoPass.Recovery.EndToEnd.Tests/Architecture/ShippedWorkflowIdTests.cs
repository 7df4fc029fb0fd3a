using System.Text;
using System.Text.Json.Nodes;
using LeoPass.Recovery.TestSupport;

namespace LeoPass.Recovery.EndToEnd.Tests.Architecture;

/// <summary>
/// What a workflow is and who may drive it lives in its definition (purpose, policy), never in
/// C# keyed by its id: src/ may name a shipped workflow id in comments only. (The loader reads
/// workflows/ as a directory and names none.) Otherwise a runbook designed in the console, or a
/// renamed one, would silently lose the rules the code gives the old name.
/// </summary>
public sealed class ShippedWorkflowIdTests
{
    private static readonly string[] SourceExtensions = [".cs", ".razor", ".js", ".html", ".json"];

    [Fact]
    public void Src_names_no_shipped_workflow_id_outside_comments()
    {
        var ids = ShippedIds();
        Assert.True(ids.Count >= 4, $"expected the shipped workflows in workflows/, found {ids.Count}");
        var offences = new List<string>();
        foreach (var file in SourceFiles())
        {
            var code = WithoutComments(File.ReadAllText(file));
            var lines = code.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var id in ids.Where(id => lines[i].Contains(id, StringComparison.Ordinal)))
                {
                    offences.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}:{i + 1}: names '{id}': {lines[i].Trim()}");
                }
            }
        }
        Assert.True(offences.Count == 0, "read what a workflow is from its definition (purpose, policy, label) instead:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void Ids_in_code_and_strings_are_found_and_ids_in_comments_are_not()
    {
        var source = """
            // nightly-backup in a line comment
            var a = "http://host/"; /* restore-drill in a block */ var b = 1;
            /// <summary>dr-rehearsal in a doc comment</summary>
            var c = "incident-restore";
            @* incident-restore in a razor comment *@
            """;
        var code = WithoutComments(source);
        Assert.DoesNotContain("nightly-backup", code, StringComparison.Ordinal);
        Assert.DoesNotContain("restore-drill", code, StringComparison.Ordinal);
        Assert.DoesNotContain("dr-rehearsal", code, StringComparison.Ordinal);
        Assert.Contains("var c = \"incident-restore\";", code, StringComparison.Ordinal);
        Assert.Contains("\"http://host/\"", code, StringComparison.Ordinal);
        Assert.Equal(2, code.Split("incident-restore").Length);
        Assert.Equal(source.Split('\n').Length, code.Split('\n').Length);
    }

    private static List<string> ShippedIds() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "workflows"), "*.json")
            .Where(f => Path.GetFileName(f) != "schema.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!["id"]!.GetValue<string>())
            .ToList();

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src"), "*", SearchOption.AllDirectories)
            .Where(f => SourceExtensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    /// <summary>
    /// The text with comments blanked and line breaks kept (so line numbers hold): <c>//</c> and
    /// <c>/* */</c> outside string literals, Razor's <c>@* *@</c> and HTML's <c>&lt;!-- --&gt;</c>.
    /// Strings stay: an id in a string is exactly what this test looks for.
    /// </summary>
    internal static string WithoutComments(string text)
    {
        var output = new StringBuilder(text.Length);
        var i = 0;
        void SkipUntil(string end)
        {
            var stop = text.IndexOf(end, i, StringComparison.Ordinal);
            var until = stop < 0 ? text.Length : stop + end.Length;
            for (; i < until; i++) if (text[i] == '\n') output.Append('\n');
        }
        while (i < text.Length)
        {
            var rest = text.AsSpan(i);
            if (rest.StartsWith("//")) SkipUntil("\n");
            else if (rest.StartsWith("/*")) SkipUntil("*/");
            else if (rest.StartsWith("@*")) SkipUntil("*@");
            else if (rest.StartsWith("<!--")) SkipUntil("-->");
            else if (rest.StartsWith("'\"'") || rest.StartsWith("'\\''"))
            {
                var length = rest[1] == '\\' ? 4 : 3;
                output.Append(rest[..length]);
                i += length;
            }
            else if (rest[0] == '"')
            {
                var verbatim = i > 0 && text[i - 1] == '@';
                output.Append('"');
                i++;
                while (i < text.Length)
                {
                    var ch = text[i];
                    output.Append(ch);
                    i++;
                    if (!verbatim && ch == '\\' && i < text.Length) { output.Append(text[i]); i++; continue; }
                    if (ch == '"')
                    {
                        if (verbatim && i < text.Length && text[i] == '"') { output.Append('"'); i++; continue; }
                        break;
                    }
                }
            }
            else
            {
                output.Append(text[i]);
                i++;
            }
        }
        return output.ToString();
    }
}
