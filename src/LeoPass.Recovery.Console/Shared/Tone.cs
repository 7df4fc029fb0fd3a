namespace LeoPass.Recovery.Console.Shared;

/// <summary>
/// The console's few colours, the same everywhere (chips, timeline bars, badges): succeeded green,
/// failed and halted red, waiting amber, running blue, skipped grey. Red is kept for what needs a
/// person; an aborted run is over by someone's decision and reads grey.
/// </summary>
public enum Tone
{
    Succeeded,
    Failed,
    Waiting,
    Running,
    Skipped,
    Pending,
}

public static class Tones
{
    public static Tone OfRunState(RunState state) => state switch
    {
        RunState.Succeeded => Tone.Succeeded,
        RunState.Halted => Tone.Failed,
        RunState.WaitingForApproval => Tone.Waiting,
        RunState.Running => Tone.Running,
        RunState.Aborted => Tone.Skipped,
        _ => Tone.Pending,
    };

    public static Tone OfStepState(StepState state) => state switch
    {
        StepState.Succeeded => Tone.Succeeded,
        StepState.Failed => Tone.Failed,
        StepState.WaitingForApproval => Tone.Waiting,
        StepState.Running => Tone.Running,
        StepState.Skipped => Tone.Skipped,
        _ => Tone.Pending,
    };

    /// <summary>A journal attempt's outcome: Running, Succeeded, Failed, TimedOut, Cancelled, Interrupted.</summary>
    public static Tone OfOutcome(string outcome) => outcome switch
    {
        "Succeeded" => Tone.Succeeded,
        "Failed" or "TimedOut" => Tone.Failed,
        "Running" => Tone.Running,
        _ => Tone.Skipped,
    };

    /// <summary>The CSS class carrying the tone's colour (console.css).</summary>
    public static string Css(this Tone tone) => "tone-" + tone.ToString().ToLowerInvariant();

    public static string Words(RunState state) => Words(state.ToString());

    public static string Words(StepState state) => Words(state.ToString());

    /// <summary>States as a person reads them.</summary>
    public static string Words(string state) => state switch
    {
        "WaitingForApproval" => "Waiting for approval",
        "TimedOut" => "Timed out",
        _ => state,
    };
}
