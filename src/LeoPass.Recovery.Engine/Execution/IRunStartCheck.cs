using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Definitions;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// A check that runs when a run is asked to start, before the run exists: bad input (an unknown
/// backup, an unusable key, a restore target that is the production database, a missing
/// confirmation) is refused with <see cref="InvalidRunRequestException"/> while nothing has been
/// touched, instead of halting the run after its first steps already acted. Register with
/// <c>services.AddSingleton&lt;IRunStartCheck, …&gt;()</c>; every registered check sees every start.
/// </summary>
public interface IRunStartCheck
{
    /// <param name="parameters">The run's parameters after defaults, as the run will store them.</param>
    Task CheckAsync(WorkflowDefinition definition, JsonObject parameters, CancellationToken cancellationToken);
}
