using System.Globalization;

namespace LeoPass.Recovery.Console.Designer.Model;

/// <summary>How the designer writes durations and states (as the rest of the console does: short, UTC, invariant).</summary>
public static class DesignerText
{
    public static string Duration(TimeSpan value) => value switch
    {
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalHours} h {value.Minutes:00} min"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)value.TotalMinutes} min{(value.Seconds > 0 ? $" {value.Seconds:00} s" : "")}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s"),
    };

    public static string State(StepState state) => state == StepState.WaitingForApproval ? "waiting for approval" : state.ToString().ToLowerInvariant();

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The tone class the console's stylesheet colours (console.css): green, red, amber, blue, grey.</summary>
    public static string Tone(StepState? state) => state switch
    {
        StepState.Succeeded => "tone-succeeded",
        StepState.Failed => "tone-failed",
        StepState.WaitingForApproval => "tone-waiting",
        StepState.Running => "tone-running",
        StepState.Skipped => "tone-skipped",
        _ => "tone-pending",
    };
}
