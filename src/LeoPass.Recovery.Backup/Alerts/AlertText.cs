
namespace LeoPass.Recovery.Backup.Alerts;

/// <summary>Text shaping shared by the channels.</summary>
internal static class AlertText
{
    /// <summary>
    /// Collapses whitespace and line breaks to single spaces and cuts to <paramref name="maxLength"/>
    /// with an ellipsis: push messages and tags are one line, and a multi-line pg_dump error
    /// would otherwise be truncated by the receiver at an arbitrary place.
    /// </summary>
    public static string OneLine(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var line = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = line.Length > 0;
                continue;
            }
            if (pendingSpace) line.Append(' ');
            pendingSpace = false;
            line.Append(c);
            if (line.Length > maxLength) break;
        }
        return line.Length <= maxLength ? line.ToString() : line.ToString(0, Math.Max(0, maxLength - 1)) + "…";
    }

    /// <summary>Host and port of a target, the only part of its URL that is safe to log.</summary>
    public static string HostOf(Uri url) => url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
}
