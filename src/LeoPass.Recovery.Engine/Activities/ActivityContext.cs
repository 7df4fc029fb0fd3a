using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Activities;

/// <summary>Everything an attempt may know about where it runs. Built by the engine for each attempt.</summary>
public sealed class ActivityContext
{
    private readonly Func<string, CancellationToken, Task> _recordIntent;

    internal ActivityContext(
        ActivityAttemptIdentity identity,
        ActivityParameters parameters,
        IReadOnlyDictionary<string, JsonObject> stepOutputs,
        Func<string, CancellationToken, Task> recordIntent,
        ILogger logger,
        TimeProvider time,
        IServiceProvider services)
    {
        Identity = identity;
        Parameters = parameters;
        StepOutputs = stepOutputs;
        _recordIntent = recordIntent;
        Logger = logger;
        Time = time;
        Services = services;
    }

    public ActivityAttemptIdentity Identity { get; }
    public long RunId => Identity.RunId;
    public string StepId => Identity.StepId;

    /// <summary>1 for the first attempt of the step; a retry, a responder's retry and a crash recovery each add one.</summary>
    public int Attempt => Identity.Attempt;

    /// <summary>The step's parameters: declared defaults, then the definition's values, then run parameters of the same name, with ${…} references resolved.</summary>
    public ActivityParameters Parameters { get; }

    /// <summary>Outputs of the run's completed steps, by step id.</summary>
    public IReadOnlyDictionary<string, JsonObject> StepOutputs { get; }

    public ILogger Logger { get; }

    /// <summary>The clock; never read DateTime.UtcNow in an activity, so tests can move time.</summary>
    public TimeProvider Time { get; }

    /// <summary>The DI scope of this attempt.</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// Journals what this attempt is about to touch, e.g. "drop and recreate database
    /// leopass_restore on db2:5432". Committed before the call returns: call it BEFORE acting.
    /// </summary>
    public Task RecordIntentAsync(string note, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        return _recordIntent(note, cancellationToken);
    }
}

/// <summary>Which run, step, attempt and node an activity executes as.</summary>
public sealed record ActivityAttemptIdentity(long RunId, string DefinitionId, int DefinitionVersion, string StepId, int Attempt, string Node);
