namespace LeoPass.Recovery.Engine.State;

/// <summary>Where one step of a run is. Succeeded and Skipped steps are never executed again.</summary>
public enum StepState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
    WaitingForApproval,
}

public enum StepOperation
{
    /// <summary>An attempt begins (from Pending, or from Failed while the retry policy has attempts left).</summary>
    Start,
    Succeed,
    Fail,
    Skip,
    WaitForApproval,
    Approve,
    Reject,
    /// <summary>The node running the attempt died or shut down; the step goes back to Pending for another attempt.</summary>
    Interrupt,
    /// <summary>A responder asks for the failed step to run again.</summary>
    Retry,
}
