using System.Globalization;
using System.Text.RegularExpressions;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>ISO 8601 durations as definitions write them (PT5M, PT1H30M, P1D), read in the browser without System.Xml.</summary>
public static partial class IsoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || text.Trim() is "P" or "PT") return false;
        double Part(string name) => m.Groups[name].Success ? double.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        value = TimeSpan.FromDays(Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        return true;
    }

    [GeneratedRegex(@"^P(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex Pattern();
}
