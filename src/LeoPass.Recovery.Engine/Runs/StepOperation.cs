namespace LeoPass.Recovery.Engine.Runs;

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
    /// <summary>
    /// A later step cannot use this step's output on the node it runs on (a file on another node's
    /// disk): the succeeded step goes back to Pending and runs again as a new attempt.
    /// </summary>
    Rewind,
}
