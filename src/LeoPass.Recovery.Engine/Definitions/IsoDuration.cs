using System.Xml;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>ISO 8601 durations (PT2H, PT30S, P1D) as definitions write them.</summary>
public static class IsoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith('P')) return false;
        try
        {
            value = XmlConvert.ToTimeSpan(text);
            return value >= TimeSpan.Zero;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static string Format(TimeSpan value) => XmlConvert.ToString(value);
}
