using System.Text.Json.Serialization;

namespace LeoPass.Recovery.Contracts;

/// <summary>Where a run is: the engine's run state machine (Runs/RunTransitions) and, by name, the API's. Succeeded and Aborted are final; Halted waits for a responder.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    Pending,
    Running,
    WaitingForApproval,
    Halted,
    Succeeded,
    Aborted,
}

/// <summary>Where one step of a run is: the engine's step state machine and, by name, the API's. Succeeded and Skipped steps are never executed again.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepState>))]
public enum StepState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
    WaitingForApproval,
}
