namespace LeoPass.Recovery.Backup.Pipeline;

/// <summary>Turns a child process's stderr into the one line an operator needs.</summary>
internal static class ProcessErrorText
{
    public static string Summarise(string stderr, int maxLines = 3)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "it printed nothing on stderr" : string.Join(" | ", lines.Take(maxLines));
    }
}
