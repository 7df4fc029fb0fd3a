namespace LeoPass.Recovery.Engine.Runs;

/// <summary>How operations read in messages: lower-case verbs, as on the command line.</summary>
internal static class OperationNames
{
    public static string Of(RunOperation operation) => operation switch
    {
        RunOperation.WaitForApproval => "wait for approval",
        RunOperation.Complete => "complete",
        _ => operation.ToString().ToLowerInvariant(),
    };

    public static string Of(StepOperation operation) => operation switch
    {
        StepOperation.WaitForApproval => "wait for approval",
        _ => operation.ToString().ToLowerInvariant(),
    };
}
