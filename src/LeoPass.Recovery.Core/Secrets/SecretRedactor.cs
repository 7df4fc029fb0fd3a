using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Core.Secrets;

/// <summary>
/// Replaces every known secret value in a text with <c>***</c>. Every line that leaves the
/// process (logs, CLI output, error messages, alert bodies, API problem details) goes
/// through <see cref="Redact"/>, so a secret echoed by a library error cannot leak. A password
/// written the way credentials are written — <c>Password=…</c> in a connection string, the user
/// info of a URL — is masked even when it is not one this process was configured with, and so is
/// anything shaped like one of the API's tokens (<c>lpr_</c> + base64url), whichever process made it.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>What every API token starts with (the server's TokenFormat), so a leaked one is recognised and masked anywhere.</summary>
    public const string ApiTokenPrefix = "lpr_";

    // Values shorter than this are too likely to match ordinary text to be masked safely.
    private const int MinimumSecretLength = 4;

    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    public static SecretRedactor Shared { get; } = new();

    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumSecretLength) return;
        _secrets.TryAdd(secret, 0);
        // Secrets also travel percent-encoded (inside URLs).
        var escaped = Uri.EscapeDataString(secret);
        if (escaped != secret) _secrets.TryAdd(escaped, 0);
        // …and JSON-escaped (a step output is JSON text: '&' and '+' in a URL become \u0026, \u002B).
        var json = System.Text.Json.JsonEncodedText.Encode(secret).ToString();
        if (json != secret) _secrets.TryAdd(json, 0);
        // …and JSON-escaped twice (a step output, itself JSON text, inside an API answer).
        var twice = System.Text.Json.JsonEncodedText.Encode(json).ToString();
        if (twice != json) _secrets.TryAdd(twice, 0);
    }

    public void AddRange(IEnumerable<string> secrets)
    {
        foreach (var secret in secrets) Add(secret);
    }

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        text = ConnectionStringPassword().Replace(text, m => m.Groups["key"].Value + Mask);
        text = UrlPassword().Replace(text, m => m.Groups["user"].Value + ":" + Mask + "@");
        text = ApiToken().Replace(text, ApiTokenPrefix + Mask);
        if (_secrets.IsEmpty) return text;
        // Longest first, so a secret that contains another is masked whole.
        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }

    // A token quoted in a run's error reaches alerts (Sentry, webhooks) and the CLI, not only API answers.
    [GeneratedRegex(@"lpr_[A-Za-z0-9_\-]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex ApiToken();

    // Password=…; or Pwd=… up to the next ';', quote or white space (Npgsql, libpq keyword form, ADO.NET).
    [GeneratedRegex(@"(?<key>\b(?:password|pwd)\s*=\s*)(?:""[^""]*""|'[^']*'|[^;\s""']+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringPassword();

    // scheme://user:password@host — the user stays readable, the password does not. Neither part
    // crosses a quote ('"', or '\"' and '\u0022' in JSON inside JSON): the API masks whole JSON bodies,
    // and a URL in one string and an '@' in the next must not be read as one credential, breaking the JSON.
    [GeneratedRegex(@"(?<user>\b[a-z][a-z0-9+.\-]*://(?:[^/\s:@""\\]|\\(?!""|u0022))+):(?!\*\*\*@)(?:[^@\s/""\\]|\\(?!""|u0022))+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
