using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>
/// Resolves shell-style references in definition values: <c>${NAME}</c> and <c>${NAME:-default}</c>
/// (the default applies when NAME is unset or empty, as in sh). Used for the cron and time zone of
/// a trigger, so BACKUP_CRON and BACKUP_TZ configure the nightly backup without editing JSON.
/// </summary>
public static partial class EnvironmentReferences
{
    public static string Resolve(string text, Func<string, string?> lookup) =>
        Reference().Replace(text, m =>
        {
            var value = lookup(m.Groups["name"].Value);
            if (!string.IsNullOrEmpty(value)) return value;
            if (m.Groups["default"].Success) return m.Groups["default"].Value;
            throw new KeyNotFoundException($"environment variable {m.Groups["name"].Value} is not set and '{m.Value}' gives no default");
        });

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}")]
    private static partial Regex Reference();
}
