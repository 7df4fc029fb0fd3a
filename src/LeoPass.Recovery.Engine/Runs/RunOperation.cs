namespace LeoPass.Recovery.Engine.Runs;

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
