using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Runs;

public enum GatePhase
{
    None,
    Before,
    After,
}

/// <summary>One step of one run: its state, and the totals of its attempts and gate waits.</summary>
public sealed class StepRecord
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public string StepId { get; set; } = "";
    public int Position { get; set; }
    public string Title { get; set; } = "";
    public string Activity { get; set; } = "";
    public StepState State { get; set; }
    public int Attempts { get; set; }
    /// <summary>Which gate the step waits at (or waited at last).</summary>
    public GatePhase GatePhase { get; set; }
    public bool BeforeGateApproved { get; set; }
    public DateTimeOffset? WaitingSince { get; set; }
    /// <summary>Total time spent waiting for a human at this step's gates, apart from work time.</summary>
    public TimeSpan WaitingTime { get; set; }
    /// <summary>Gate wait not yet attributed to an attempt row (a before-gate wait precedes the attempt it belongs to).</summary>
    public TimeSpan UnattributedWaitingTime { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Output of the successful attempt (jsonb), read by later steps.</summary>
    public string? Output { get; set; }
    public string? Error { get; set; }
    public string? SkipReason { get; set; }
}
