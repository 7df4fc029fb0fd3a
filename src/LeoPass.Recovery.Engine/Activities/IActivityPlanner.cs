using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities;

/// <summary>
/// An activity that can say what it would do without doing it. A dry run of a definition (the
/// designer, <c>run start … --dry-run</c>, the API) asks every enabled step in order and shows the
/// plan to a person before anything is published or started.
/// </summary>
/// <remarks>
/// Contract: <b>touch nothing.</b> Reading is allowed (list the store, read a manifest, ask the
/// target server whether a database exists and what it is marked with); writing, creating,
/// deleting, calling a switch or a webhook never is. Earlier steps did not run, so their real
/// outputs do not exist: <see cref="ActivityContext.StepOutputs"/> holds the outputs earlier steps'
/// plans said they would produce (<see cref="ActivityPlan.ExpectedOutput"/>). Say concrete things
/// ("would drop database leopass_restore_r12 (carries this run's mark)", "would restore artefact
/// X (1.2 GB) with pg_restore -j 2"), and say what could not be known rather than guessing.
/// </remarks>
public interface IActivityPlanner
{
    Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>
/// What a step would do: one line per action, in order, for a person to read; and the output the
/// step would produce, so the plans of later steps can read <c>${steps.&lt;id&gt;.output.…}</c>.
/// </summary>
public sealed record ActivityPlan(IReadOnlyList<string> Actions, JsonObject? ExpectedOutput = null);
