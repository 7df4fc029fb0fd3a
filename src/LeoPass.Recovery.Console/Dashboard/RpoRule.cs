using LeoPass.Recovery.Console.Shared;

namespace LeoPass.Recovery.Console.Dashboard;

public enum RpoLevel
{
    /// <summary>The newest verified backup is younger than 80 % of the RPO.</summary>
    Safe,
    /// <summary>From 80 % of the RPO up to the RPO itself: tonight's backup had better work.</summary>
    AtRisk,
    /// <summary>Older than the RPO, or no verified backup at all: a restore now would lose more than promised.</summary>
    Breached,
}

/// <summary>
/// "Is the data safe?" in one colour: the newest verified backup's age against the RPO (24 h).
/// Green below 80 %, amber from 80 % up to and including 100 %, red past 100 % — and red when
/// there is no verified backup, because then nothing can be restored.
/// </summary>
public static class RpoRule
{
    public const double AtRiskFrom = 0.8;

    public static RpoLevel Classify(TimeSpan? age, TimeSpan target)
    {
        if (age is not { } a || target <= TimeSpan.Zero) return RpoLevel.Breached;
        var share = a / target;
        return share < AtRiskFrom ? RpoLevel.Safe : share <= 1.0 ? RpoLevel.AtRisk : RpoLevel.Breached;
    }

    public static Tone ToneOf(RpoLevel level) => level switch
    {
        RpoLevel.Safe => Tone.Succeeded,
        RpoLevel.AtRisk => Tone.Waiting,
        _ => Tone.Failed,
    };

    public static string Verdict(RpoLevel level, TimeSpan? age) => level switch
    {
        RpoLevel.Safe => "Within the RPO",
        RpoLevel.AtRisk => "RPO at risk",
        _ when age is null => "No verified backup",
        _ => "RPO breached",
    };
}
