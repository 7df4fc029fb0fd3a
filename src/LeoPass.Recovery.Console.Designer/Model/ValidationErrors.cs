using System.Globalization;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>One error of the definition, where the designer shows it: on a step (and its field) or on the definition's settings.</summary>
/// <param name="Step">0-based index of the step, or null for the definition's own settings.</param>
/// <param name="Field">The field inside the step or definition ("parameters.duration", "trigger.cron"), empty for the whole.</param>
public sealed record PlacedError(string Path, int? Step, string Field, string Message);

/// <summary>
/// Places the API's validation errors (keyed by JSON path, <c>$.steps[2].parameters.duration</c>)
/// on the node and the field they belong to.
/// </summary>
public static class ValidationErrors
{
    public static IReadOnlyList<PlacedError> Place(IReadOnlyDictionary<string, string[]> errors) =>
        errors.SelectMany(e => e.Value.Select(message => Place(e.Key, message))).OrderBy(e => e.Step ?? -1).ThenBy(e => e.Field, StringComparer.Ordinal).ToList();

    public static PlacedError Place(string path, string message)
    {
        const string Steps = "$.steps[";
        var close = path.IndexOf(']', StringComparison.Ordinal);
        if (path.StartsWith(Steps, StringComparison.Ordinal) && close > Steps.Length
            && int.TryParse(path[Steps.Length..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return new PlacedError(path, index, path[(close + 1)..].TrimStart('.'), message);
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path == "$" ? "" : path;
        return new PlacedError(path, null, field, message);
    }

    /// <summary>The errors of one step's field (or, with an empty field, of the whole step).</summary>
    public static IEnumerable<PlacedError> For(IEnumerable<PlacedError> errors, int step, string field) =>
        errors.Where(e => e.Step == step && (field.Length == 0 || e.Field == field));
}
