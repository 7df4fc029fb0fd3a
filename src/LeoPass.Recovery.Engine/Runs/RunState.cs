namespace LeoPass.Recovery.Engine.Runs;

/// <summary>Where a run is. Succeeded and Aborted are final; Halted waits for a responder.</summary>
public enum RunState
{
    Pending,
    Running,
    WaitingForApproval,
    Halted,
    Succeeded,
    Aborted,
}

/// <summary>What moves a run from one state to another; responders' operations are among them.</summary>
public enum RunOperation
{
    Start,
    WaitForApproval,
    Approve,
    Reject,
    Halt,
    Complete,
    Retry,
    Skip,
    Resume,
    Abort,
}
