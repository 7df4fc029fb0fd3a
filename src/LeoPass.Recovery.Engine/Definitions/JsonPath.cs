using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>Builds JSON paths as people read them: <c>$.steps[2].activity</c>.</summary>
public static partial class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name) =>
        SimpleName().IsMatch(name) ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Converts a JSON pointer (<c>/steps/2/activity</c>) to a path.</summary>
    public static string FromPointer(string pointer)
    {
        var path = Root;
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path = int.TryParse(segment, out var index) && index >= 0 && segment == index.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? Index(path, index)
                : Property(path, segment);
        }
        return path;
    }

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$-]*$")]
    private static partial Regex SimpleName();
}
