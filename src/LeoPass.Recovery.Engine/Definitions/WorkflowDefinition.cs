using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Definitions;

/// <summary>A validated workflow definition: what <c>workflows/*.json</c> says, typed.</summary>
/// <param name="Label">Short name for buttons and menus ("restore drill"); the id when the file gives none.</param>
public sealed record WorkflowDefinition(
    string Id,
    int Version,
    string Title,
    string? Description,
    WorkflowTrigger Trigger,
    TimeSpan? RtoTarget,
    IReadOnlyList<RunParameterDefinition> Parameters,
    IReadOnlyList<StepDefinition> Steps,
    DefinitionPolicy Policy,
    DefinitionPurpose Purpose,
    string Label)
{
    /// <summary>What an abort does to what the run created (<c>onAbort</c>); keep everything when the definition says nothing.</summary>
    public AbortPolicy OnAbort { get; init; } = AbortPolicy.KeepEverything;

    public StepDefinition Step(string stepId) =>
        Steps.FirstOrDefault(s => s.Id == stepId) ?? throw new InvalidOperationException($"definition {Id} v{Version} has no step '{stepId}'");
}

public enum WorkflowTriggerType
{
    Manual,
    Api,
    Cron,
    /// <summary>Whenever a run of another definition succeeds (<see cref="WorkflowTrigger.After"/>).</summary>
    After,
}

/// <summary>How runs start. <see cref="Cron"/> and <see cref="TimeZone"/> keep environment references unresolved; <see cref="CronSchedule"/> resolves them.</summary>
public sealed record WorkflowTrigger(WorkflowTriggerType Type, string? Cron, string? TimeZone)
{
    /// <summary>For <see cref="WorkflowTriggerType.After"/>: which definition's successful runs start this one, and with what.</summary>
    public FollowedDefinition? After { get; init; }
}

/// <summary>
/// A definition another one follows: every successful run of <paramref name="DefinitionId"/> starts
/// one run of the follower, its run parameters bound from that run (<paramref name="Parameters"/>:
/// follower parameter name → text with <c>${steps.&lt;id&gt;.output.&lt;field&gt;}</c> and <c>${run.&lt;name&gt;}</c>
/// references to the followed run).
/// </summary>
/// <param name="Enabled">"true", "false" or an environment reference resolving to one (<see cref="IsEnabled"/>).</param>
public sealed record FollowedDefinition(string DefinitionId, IReadOnlyDictionary<string, string> Parameters, string Enabled = "true")
{
    /// <summary>Whether successful runs start the follower, with <c>${NAME}</c> references resolved by <paramref name="lookup"/>.</summary>
    public bool IsEnabled(Func<string, string?> lookup) =>
        !string.Equals(EnvironmentReferences.Resolve(Enabled, lookup).Trim(), "false", StringComparison.OrdinalIgnoreCase);
}

public sealed record RunParameterDefinition(string Name, string? Description, bool Required, JsonNode? Default);

public sealed record StepDefinition(
    string Id,
    string Title,
    string Activity,
    JsonObject Parameters,
    TimeSpan? Timeout,
    RetryPolicy Retry,
    ApprovalGate? GateBefore,
    ApprovalGate? GateAfter,
    bool Enabled);

public enum BackoffKind
{
    Constant,
    Linear,
    Exponential,
}

/// <summary>How often a step is attempted before the run halts. MaxAttempts 1 means no automatic retry.</summary>
public sealed record RetryPolicy(int MaxAttempts, BackoffKind Backoff, TimeSpan Delay, TimeSpan? MaxDelay, bool Jitter)
{
    public static RetryPolicy None { get; } = new(1, BackoffKind.Constant, TimeSpan.Zero, null, false);
}

/// <summary>A human approval before or after a step; <see cref="Question"/> is what the approver is asked.</summary>
public sealed record ApprovalGate(string Question);

/// <summary>What happens, when a run of the definition is aborted, to what the run created.</summary>
/// <param name="RestoreTarget">The restore target database the run's provision step created.</param>
public sealed record AbortPolicy(RestoreTargetOnAbort RestoreTarget)
{
    public static AbortPolicy KeepEverything { get; } = new(RestoreTargetOnAbort.Keep);

    /// <summary>
    /// Ids of the undo steps an abort runs, in order (<c>onAbort.undo</c>). Each reverses an earlier
    /// step (its activity is that step's <see cref="Activities.ActivityDescriptor.Undo"/>) and runs
    /// only when that step was attempted and it has not succeeded itself.
    /// </summary>
    public IReadOnlyList<string> Undo { get; init; } = [];
}

/// <summary>
/// Keep: the database stays (and the abort's audit record says it was left behind) — the only
/// choice for a restore that may be serving production. Drop: dropped, but only a database this
/// very run created, never the source, never one services were repointed to.
/// </summary>
public enum RestoreTargetOnAbort
{
    Keep,
    Drop,
}
