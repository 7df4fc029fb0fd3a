namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// Says that an execution's stopping token is a person's interrupt (Ctrl+C in the command that
/// executes the run), not its node shutting down: the run halts with the reason instead of waiting
/// for another node to take it over. The reason is read when the stop happens, so it can name the signal.
/// </summary>
public sealed class ExecutionInterrupt(Func<string> reason)
{
    public string Reason() => reason();
}
