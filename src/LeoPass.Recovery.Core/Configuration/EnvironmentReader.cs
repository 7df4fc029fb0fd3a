using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace LeoPass.Recovery.Core.Configuration;

/// <summary>
/// Binds typed settings from the host's configuration — environment variables first, then
/// appsettings.json, under the variable names the README documents — and collects every problem
/// instead of stopping at the first, so one start-up error lists everything that needs fixing.
/// It is the only place the product reads its environment.
/// </summary>
public sealed class EnvironmentReader
{
    private readonly Func<string, string?> _lookup;
    private readonly List<string> _problems = [];
    private readonly SortedDictionary<string, string> _set = new(StringComparer.Ordinal);

    public EnvironmentReader(IConfiguration configuration) => _lookup = name => configuration[name];

    /// <summary>Fixed values, as a test or a child process's environment gives them.</summary>
    public EnvironmentReader(IReadOnlyDictionary<string, string?> values) => _lookup = name => values.TryGetValue(name, out var value) ? value : null;

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Every variable read so far that has a value, with its raw value (secrets included: log it only through the redacting sink).</summary>
    public IReadOnlyDictionary<string, string> Set => _set;

    public void AddProblem(string problem) => _problems.Add(problem);

    /// <summary>The trimmed value, or null when the variable is unset or blank.</summary>
    public string? Text(string name)
    {
        var value = _lookup(name)?.Trim();
        if (string.IsNullOrEmpty(value)) return null;
        _set[name] = value;
        return value;
    }

    /// <summary>True for 1/true/yes/on, false for 0/false/no/off or unset; anything else is a problem.</summary>
    public bool Flag(string name)
    {
        var text = Text(name);
        if (text is null) return false;
        switch (text.ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on": return true;
            case "0" or "false" or "no" or "off": return false;
            default:
                _problems.Add($"{name}='{text}' is not valid: expected 1 or 0 (true or false).");
                return false;
        }
    }

    public int Integer(string name, int defaultValue, int min, int max)
    {
        var text = Text(name);
        if (text is null) return defaultValue;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        _problems.Add($"{name}='{text}' is not valid: expected a whole number from {min} to {max} (default {defaultValue}).");
        return defaultValue;
    }

    /// <summary>A duration: minutes as a plain number ("30"), or with a unit ("90s", "45m", "2h"), or ISO 8601 ("PT30M"); between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public TimeSpan Duration(string name, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        var text = Text(name);
        if (text is null) return defaultValue;
        TimeSpan? value = null;
        var lower = text.ToLowerInvariant();
        if (lower.StartsWith('p'))
        {
            try { value = System.Xml.XmlConvert.ToTimeSpan(text.ToUpperInvariant()); } catch (FormatException) { }
        }
        else
        {
            var unit = lower.TrimStart("0123456789.".ToCharArray());
            var number = lower[..^unit.Length];
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                value = unit switch
                {
                    "" or "m" or "min" => TimeSpan.FromMinutes(amount),
                    "s" => TimeSpan.FromSeconds(amount),
                    "h" => TimeSpan.FromHours(amount),
                    _ => null,
                };
            }
        }
        if (value is { } v && v >= min && v <= max) return v;
        _problems.Add($"{name}='{text}' is not valid: expected a duration from {min.TotalMinutes:0.##} to {max.TotalMinutes:0.##} minutes, as minutes (30), with a unit (90s, 45m, 2h) or ISO 8601 (PT30M); default {defaultValue.TotalMinutes:0.##} minutes.");
        return defaultValue;
    }

    public T Choice<T>(string name, T defaultValue, IReadOnlyDictionary<string, T> choices)
    {
        var text = Text(name);
        if (text is null) return defaultValue;
        if (choices.TryGetValue(text.ToLowerInvariant(), out var value)) return value;
        _problems.Add($"{name}='{text}' is not valid: expected one of {string.Join(", ", choices.Keys)}.");
        return defaultValue;
    }

    /// <summary>An absolute http(s) URL. Secret URLs (a Sentry DSN holds a key) are never echoed.</summary>
    public Uri? HttpUrl(string name, bool isSecret = false)
    {
        var text = Text(name);
        if (text is null) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }
        var shown = isSecret ? "" : $"='{text}'";
        _problems.Add($"{name}{shown} is not valid: expected an absolute http:// or https:// URL.");
        return null;
    }

    /// <summary>A path to an existing, readable file.</summary>
    public string? ExistingFile(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        var path = Path.GetFullPath(text);
        if (!File.Exists(path))
        {
            _problems.Add($"{name}='{text}' is not valid: no file exists at {path}.");
            return null;
        }
        return path;
    }

    public string? PostgresConnection(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        try
        {
            return PostgresConnectionString.Parse(text, name);
        }
        catch (ConfigurationException e)
        {
            _problems.Add(e.Message);
            return null;
        }
    }
}
