using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Runbook.Infrastructure;

/// <summary>
/// A PostgreSQL major version: 15, 16 … and, before 10, two numbers (9.6). A dump restores into a
/// server, and is read by a pg_restore, of the same major version or a newer one only.
/// </summary>
public readonly partial record struct PostgresMajorVersion(int Major, int Minor) : IComparable<PostgresMajorVersion>
{
    /// <summary>From "15.18", "9.6.24", or a program's banner such as "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".</summary>
    public static PostgresMajorVersion? Parse(string? text)
    {
        if (text is null) return null;
        var match = VersionNumbers().Match(text);
        if (!match.Success) return null;
        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var minor = major < 10 && match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        return new PostgresMajorVersion(major, minor);
    }

    public static PostgresMajorVersion Of(Version serverVersion) => new(serverVersion.Major, serverVersion.Major < 10 ? serverVersion.Minor : 0);

    public int CompareTo(PostgresMajorVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(PostgresMajorVersion a, PostgresMajorVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(PostgresMajorVersion a, PostgresMajorVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(PostgresMajorVersion a, PostgresMajorVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(PostgresMajorVersion a, PostgresMajorVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => Major < 10 ? $"{Major}.{Minor}" : Major.ToString(CultureInfo.InvariantCulture);

    // After "(PostgreSQL) " in a banner, else the first number of the text.
    [GeneratedRegex(@"(?:\(PostgreSQL\)\s*)?(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionNumbers();
}
