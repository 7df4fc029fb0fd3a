using System.Globalization;

namespace LeoPass.Recovery.TestSupport;

/// <summary>Which processes belong to a process group, read from /proc (Linux).</summary>
public static class ProcessGroups
{
    public static IReadOnlyList<(int Pid, string Name)> Members(int groupId)
    {
        var members = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // Gone meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open) continue;
            var fields = stat[(close + 2)..].Split(' ');
            if (fields.Length > 2 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group) && group == groupId)
            {
                members.Add((pid, stat[(open + 1)..close]));
            }
        }
        return members;
    }
}
