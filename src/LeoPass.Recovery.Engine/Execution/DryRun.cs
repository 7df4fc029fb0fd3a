using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Nodes;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Steps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>What one step would do, as its activity's plan says; <see cref="Planned"/> false when it could not say.</summary>
public sealed record PlannedStep(string StepId, string Title, string Activity, bool Enabled, bool Planned, IReadOnlyList<string> Actions);

/// <summary>A dry run's answer: the definition, whether a real start would be refused (and why), and every step's plan in order.</summary>
public sealed record DryRunResult(string DefinitionId, int Version, string? WouldRefuse, IReadOnlyList<PlannedStep> Steps);

/// <summary>
/// A dry run: every enabled step's activity states what it would do (<see cref="IActivityPlanner"/>),
/// in order, with the parameters a run would bind — and nothing is done. No run is created, no
/// intent is journaled, no activity executes. The start-time checks a real start makes (the
/// definition's <see cref="IRunStartCheck"/>s, then every step's settings) run too, and a refusal
/// is reported with the plan rather than instead of it: the plan is for reading before a start.
/// </summary>
/// <remarks>
/// Earlier steps did not run, so a later step's plan reads the output earlier plans said they
/// would produce (<see cref="ActivityPlan.ExpectedOutput"/>). No run exists: the context's
/// <see cref="ActivityContext.RunId"/> is <see cref="NoRun"/>, and a plan whose action depends on
/// the run id says so rather than inventing one. An activity that calls
/// <see cref="ActivityContext.RecordIntentAsync"/> while planning is about to act: that is refused
/// and its step reported as not planned.
/// </remarks>
public sealed class DryRun(
    ActivityRegistry activities,
    IServiceScopeFactory scopes,
    StepSettingsCheck settingsCheck,
    IEnumerable<IRunStartCheck> startChecks,
    NodeIdentity node,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <summary>The run id a dry run's activities see: no run was created.</summary>
    public const long NoRun = 0;

    public async Task<DryRunResult> PlanAsync(WorkflowDefinition definition, IReadOnlyDictionary<string, string> runParameters, CancellationToken cancellationToken = default)
    {
        // Unknown or missing run parameters are the request's fault, as on a real start: refused, not planned.
        var parameters = RunOperations.BindRunParameters(definition, runParameters);
        string? refusal = null;
        try
        {
            foreach (var check in startChecks) await check.CheckAsync(definition, parameters, cancellationToken);
            settingsCheck.Check(definition, parameters);
        }
        catch (InvalidRunRequestException e)
        {
            refusal = e.Message;
        }

        var expectedOutputs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var steps = new List<PlannedStep>();
        foreach (var step in definition.Steps)
        {
            steps.Add(await PlanStepAsync(definition, step, parameters, expectedOutputs, cancellationToken));
        }
        return new DryRunResult(definition.Id, definition.Version, refusal, steps);
    }

    private async Task<PlannedStep> PlanStepAsync(WorkflowDefinition definition, StepDefinition step, JsonObject runParameters, Dictionary<string, JsonObject> expectedOutputs, CancellationToken cancellationToken)
    {
        PlannedStep Result(bool planned, params string[] actions) => new(step.Id, step.Title, step.Activity, step.Enabled, planned, actions);

        if (!step.Enabled) return Result(true, "would skip this step: it is disabled");
        if (activities.Find(step.Activity) is not { } registration) return Result(false, $"cannot plan: no activity '{step.Activity}' is registered on this node");
        if (!typeof(IActivityPlanner).IsAssignableFrom(registration.ImplementationType))
        {
            return Result(false, $"cannot plan: activity '{step.Activity}' does not say what it would do; find out by hand before running it");
        }
        await using var scope = scopes.CreateAsyncScope();
        var planner = (IActivityPlanner)scope.ServiceProvider.GetRequiredService(registration.ImplementationType);
        var identity = new ActivityAttemptIdentity(NoRun, definition.Id, definition.Version, step.Id, 1, node.Id);
        var context = new ActivityContext(
            identity,
            new ActivityParameters(step.Id, ParameterBinder.Bind(registration.Descriptor, step, runParameters, expectedOutputs)),
            expectedOutputs,
            (note, _) => throw new InvalidOperationException($"step '{step.Id}' tried to journal an intent while planning ({note}): a dry run must not act"),
            loggers.CreateLogger($"LeoPass.Recovery.Activity.{registration.Descriptor.Type}"),
            time,
            scope.ServiceProvider);
        try
        {
            var plan = await planner.PlanAsync(context, cancellationToken);
            if (plan.ExpectedOutput is not null) expectedOutputs[step.Id] = plan.ExpectedOutput;
            return plan.Actions.Count == 0 ? Result(false, "the activity's plan is empty") : Result(true, [.. plan.Actions]);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Result(false, $"could not plan: {e.Message}");
        }
    }
}
