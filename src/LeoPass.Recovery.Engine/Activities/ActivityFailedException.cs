namespace LeoPass.Recovery.Engine.Activities;

/// <summary>
/// An activity's own, expected failure. <paramref name="retryable"/> false says another attempt
/// cannot succeed (bad input, a refused precondition), so the step fails at once instead of
/// spending its retries.
/// </summary>
public sealed class ActivityFailedException(string message, bool retryable = true, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
