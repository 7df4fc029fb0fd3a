namespace LeoPass.Recovery.Console.Runs;

/// <summary>What a responder can ask of a run; the API's names are the lower-case words (allowedNow lists them).</summary>
public enum RunAction
{
    Retry,
    Resume,
    Skip,
    Abort,
    Approve,
    Reject,
}

/// <param name="WhyNot">Why the button is disabled, shown beside it; null when enabled.</param>
public sealed record ActionChoice(RunAction Action, string Label, bool Enabled, string? WhyNot);
