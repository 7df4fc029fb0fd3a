namespace LeoPass.Recovery.Engine.Activities;

/// <summary>
/// An activity that needs configuration (a token, a hook, a key, a target server) says which, so
/// that a run is refused when it starts, with every missing setting of every enabled step named in
/// one message, instead of halting at this step after earlier steps already acted (traffic
/// quarantined, a gate approved) — one missing setting, one restart, at a time. The engine asks
/// each enabled step of a definition before the run exists; the activity instance is resolved as
/// for an attempt, so it reads the settings it was constructed with.
/// </summary>
public interface IActivitySettingsRequirements
{
    /// <param name="parameters">
    /// The step's parameters as far as they are known at the start: activity defaults, the
    /// definition's values and the run's parameters. References to earlier steps' outputs are empty.
    /// </param>
    /// <returns>One entry per missing or invalid setting; none when the step can run.</returns>
    IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters);
}

/// <summary>
/// A setting a step needs and does not have. <see cref="Setting"/> and <see cref="Need"/> name
/// variables and say why they are needed; they never carry a value (a value may be a secret).
/// </summary>
/// <param name="Setting">The variable, or the alternatives ("WORKER_HOOK_URL or WORKER_PAUSE_COMMAND").</param>
/// <param name="Need">What the step does with it, or what is wrong with it.</param>
public sealed record SettingProblem(string Setting, string Need);
