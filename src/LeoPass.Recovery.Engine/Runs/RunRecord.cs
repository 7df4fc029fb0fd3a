using LeoPass.Recovery.Contracts;

namespace LeoPass.Recovery.Engine.Runs;

/// <summary>One execution of a definition version.</summary>
public sealed class RunRecord
{
    public long Id { get; set; }
    public long DefinitionVersionId { get; set; }
    public string DefinitionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    /// <summary>The run's parameters after defaults were applied (jsonb object).</summary>
    public string Parameters { get; set; } = "{}";
    public RunState State { get; set; }
    /// <summary>manual, api or cron.</summary>
    public string Trigger { get; set; } = "manual";
    public string StartedBy { get; set; } = "";
    /// <summary>Deduplicates starts: a cron fire or an API call with an Idempotency-Key starts at most one run.</summary>
    public string? IdempotencyKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    /// <summary>The node that last took the run over; with <see cref="LeaseToken"/> it fences writes of a node that lost the run.</summary>
    public string? HolderNode { get; set; }
    /// <summary>Raised by one on every take-over. A node writes a step result only while the token is still the one it took.</summary>
    public long LeaseToken { get; set; }
    /// <summary>Why the run halted or was aborted, in words a responder can act on.</summary>
    public string? HaltReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// False: a failed attempt halts the run at once instead of following the step's retry policy
    /// (a person started it and watches, e.g. `backup run`). The scheduled runs keep their retries.
    /// </summary>
    public bool AutomaticRetries { get; set; } = true;

    public List<StepRecord> Steps { get; set; } = [];
}
