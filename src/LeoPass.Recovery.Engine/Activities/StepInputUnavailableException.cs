namespace LeoPass.Recovery.Engine.Activities;

/// <summary>
/// Thrown by an activity, before it touches anything, when what an earlier step produced for it
/// is not usable on this node — the decrypted dump that step 3 left on the disk of a node that
/// died, say. The engine then runs <see cref="StepId"/> again as a new attempt on this node and
/// this step after it, so the work continues from what is real here rather than from a missing or
/// partial file. The attempt is journaled as InputUnavailable, not as a failure.
/// </summary>
public sealed class StepInputUnavailableException(string stepId, string reason)
    : Exception($"the output of step '{stepId}' is not usable on this node: {reason}")
{
    /// <summary>The earlier step to run again.</summary>
    public string StepId { get; } = stepId;

    public string Reason { get; } = reason;
}
