namespace LeoPass.Recovery.Engine.Journal;

public enum AttemptOutcome
{
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    /// <summary>The node executing it died or shut down before the attempt ended; another attempt follows.</summary>
    Interrupted,
    /// <summary>
    /// The attempt found an earlier step's output unusable on this node (a file on another node's
    /// disk) and did nothing: that step runs again, then this one does. Not a failure.
    /// </summary>
    InputUnavailable,
}

/// <summary>The journal: one row per attempt of a step, written when it starts and again when it ends.</summary>
public sealed class AttemptRecord
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public string StepId { get; set; } = "";
    public int Number { get; set; }
    public string Node { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>Work time: from start to end of the attempt. Gate waits are in <see cref="WaitingTime"/>, never here.</summary>
    public TimeSpan? Duration { get; set; }
    /// <summary>Time the step waited at an approval gate, attributed to this attempt (before it, or after it succeeded).</summary>
    public TimeSpan WaitingTime { get; set; }
    public AttemptOutcome Outcome { get; set; }
    public string? Error { get; set; }
    public string? Output { get; set; }
    /// <summary>What the activity said it was about to touch, in order, each committed before it acted.</summary>
    public List<string> Intents { get; set; } = [];
}
