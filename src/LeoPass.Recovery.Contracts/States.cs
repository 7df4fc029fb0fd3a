using System.Text.Json.Serialization;

namespace LeoPass.Recovery.Contracts;

/// <summary>Where a run is, as the API writes it (the engine's run states, by name). Succeeded and Aborted are final; Halted waits for a responder.</summary>
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

/// <summary>Where one step of a run is (the engine's step states, by name).</summary>
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
