using System.Globalization;

namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>
/// Builds the push request from the configured URL. Uptime Kuma hands out push URLs with
/// placeholder parameters (<c>…/api/push/TOKEN?status=up&amp;msg=OK&amp;ping=</c>) and operators paste
/// them as they are, so ours replace those three instead of being appended twice; any other
/// parameter is kept byte for byte.
/// </summary>
public static class UptimeKumaPushUrl
{
    private static readonly string[] OwnParameters = ["status", "msg", "ping"];

    public static Uri Build(Uri pushUrl, bool up, string message, TimeSpan duration)
    {
        var kept = pushUrl.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !OwnParameters.Contains(NameOf(pair), StringComparer.OrdinalIgnoreCase));
        var pingMs = (long)Math.Round(Math.Max(0, duration.TotalMilliseconds), MidpointRounding.AwayFromZero);
        string[] ours =
        [
            "status=" + (up ? "up" : "down"),
            "msg=" + Uri.EscapeDataString(message),
            "ping=" + pingMs.ToString(CultureInfo.InvariantCulture),
        ];
        var builder = new UriBuilder(pushUrl) { Query = string.Join('&', kept.Concat(ours)) };
        return builder.Uri;
    }

    /// <summary>The push token (the segment after <c>/api/push/</c>), or null when the URL has another shape.</summary>
    public static string? TokenOf(Uri pushUrl)
    {
        var segments = pushUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 2 < segments.Length; i++)
        {
            if (segments[i] == "api" && segments[i + 1] == "push") return Uri.UnescapeDataString(segments[i + 2]);
        }
        return null;
    }

    private static string NameOf(string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        return Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
    }
}
