namespace LeoPass.Recovery.Engine.Runs;

/// <summary>
/// An operation the run's or step's current state does not allow, e.g. retrying a run that is
/// running. The message says the current state and when the operation is allowed. The HTTP API
/// answers it with 409 Conflict.
/// </summary>
public sealed class IllegalTransitionException(string subject, string currentState, string operation, IReadOnlyList<string> allowedFrom, IReadOnlyList<string> allowedNow)
    : Exception(Describe(subject, currentState, operation, allowedFrom, allowedNow))
{
    public string Subject { get; } = subject;
    public string CurrentState { get; } = currentState;
    public string Operation { get; } = operation;
    public IReadOnlyList<string> AllowedFrom { get; } = allowedFrom;
    public IReadOnlyList<string> AllowedNow { get; } = allowedNow;

    private static string Describe(string subject, string current, string operation, IReadOnlyList<string> from, IReadOnlyList<string> now)
    {
        var when = from.Count == 0 ? $"{operation} is never allowed" : $"{operation} is allowed only when it is {JoinOr(from)}";
        var allowed = now.Count == 0 ? "nothing more can be done with it" : $"allowed now: {string.Join(", ", now)}";
        return $"{subject} is {current}; {when} ({allowed})";
    }

    private static string JoinOr(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1];
}
