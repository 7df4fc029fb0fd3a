using System.Globalization;

namespace LeoPass.Recovery.Console.Shared;

/// <summary>Lengths for inline styles, written the same way whatever the browser's culture.</summary>
public static class CssLength
{
    public static string Percent(double percent) => percent.ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
