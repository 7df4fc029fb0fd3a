using System.Globalization;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>
/// ISO 8601 durations as definitions write them (PT5M, PT1H30M, P1D, PT0.5S), read in the browser by
/// hand: neither System.Xml nor the regular-expression engine is downloaded for it.
/// </summary>
public static class IsoDuration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim();
        if (s.Length < 3 || s[0] != 'P') return false;
        var inTime = false;
        var any = false;
        var order = "DHMS";
        var last = -1;
        var start = 1;
        for (var i = 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == 'T')
            {
                if (inTime || i != start) return false;
                inTime = true;
                start = i + 1;
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && inTime)) continue;
            var unit = c == 'M' && !inTime ? -1 : order.IndexOf(c, StringComparison.Ordinal);
            if (unit < 0 || i == start || (unit == 0) == inTime || unit <= last) return false;
            if (!double.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            if (c != 'S' && s[start..i].Contains('.', StringComparison.Ordinal)) return false;
            value += c switch
            {
                'D' => TimeSpan.FromDays(number),
                'H' => TimeSpan.FromHours(number),
                'M' => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromSeconds(number),
            };
            last = unit;
            any = true;
            start = i + 1;
        }
        return any && start == s.Length;
    }
}
