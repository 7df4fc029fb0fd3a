namespace LeoPass.Recovery.Storage;

/// <summary>
/// The rules every store applies to keys, so a key that works on the filesystem works on S3 and
/// back: relative, '/'-separated, and unable to climb out of the store's root.
/// </summary>
public static class StoreKeyRules
{
    public const int MaximumLength = 1024;

    /// <summary>Throws a permanent <see cref="ArtefactStoreException"/> naming what is wrong with <paramref name="key"/>.</summary>
    public static string Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var problem = FindProblem(key);
        return problem is null ? key : throw new ArtefactStoreException($"invalid artefact key '{Printable(key)}': {problem}", isPermanent: true);
    }

    /// <summary>Prefixes may end in '/' or be empty; otherwise they obey the key rules.</summary>
    public static string ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0) return prefix;
        var problem = FindProblem(prefix.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "x");
        return problem is null ? prefix : throw new ArtefactStoreException($"invalid artefact key prefix '{Printable(prefix)}': {problem}", isPermanent: true);
    }

    private static string? FindProblem(string key)
    {
        if (key.Length == 0) return "it is empty";
        if (key.Length > MaximumLength) return $"it is longer than {MaximumLength} characters";
        if (key.Contains('\\', StringComparison.Ordinal)) return "backslashes are not allowed (use '/')";
        if (key.StartsWith('/') || Path.IsPathRooted(key)) return "absolute paths are not allowed";
        if (key.Any(char.IsControl)) return "control characters are not allowed";
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0) return "empty path segments ('//' or a trailing '/') are not allowed";
            if (segment is "." or "..") return "'.' and '..' segments are not allowed (no path traversal)";
        }
        return null;
    }

    private static string Printable(string key) => new([.. key.Take(120).Select(c => char.IsControl(c) ? '?' : c)]);
}
