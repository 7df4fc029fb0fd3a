using System.Text.Json.Nodes;
using LeoPass.Recovery.Engine.Activities;
using LeoPass.Recovery.Engine.Definitions;
using LeoPass.Recovery.Engine.Runs;
using LeoPass.Recovery.Engine.Steps;
using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Engine.Execution;

/// <summary>
/// The start-time preflight of settings: asks every enabled step whose activity declares
/// <see cref="IActivitySettingsRequirements"/> what it lacks, with the step's parameters as the run
/// would bind them, and refuses the run with ONE message naming every missing or invalid setting
/// (names, never values) and the steps that need it. Runs before any other start check and before
/// the run exists, so nothing is touched. What a step needs is the activity's to say; nothing
/// here knows a workflow or a variable.
/// </summary>
public sealed class StepSettingsCheck(ActivityRegistry activities, IServiceProvider services)
{
    public void Check(WorkflowDefinition definition, JsonObject runParameters)
    {
        if (Missing(definition, runParameters) is { } missing)
        {
            throw new InvalidRunRequestException($"{definition.Id}: refused before any step ran: {missing}. Set them and start again.");
        }
    }

    /// <summary>
    /// What <see cref="Check"/> would refuse the run for — "N setting(s) missing or invalid: NAME (need;
    /// step id); …" — or null when every enabled step has what it needs.
    /// </summary>
    public string? Missing(WorkflowDefinition definition, JsonObject runParameters)
    {
        var problems = new List<(SettingProblem Problem, string StepId)>();
        using var scope = services.CreateScope();
        foreach (var step in definition.Steps.Where(s => s.Enabled))
        {
            if (activities.Find(step.Activity) is not { } registration
                || !typeof(IActivitySettingsRequirements).IsAssignableFrom(registration.ImplementationType))
            {
                continue;
            }
            var activity = (IActivitySettingsRequirements)scope.ServiceProvider.GetRequiredService(registration.ImplementationType);
            var parameters = new ActivityParameters(step.Id, ParameterBinder.Bind(registration.Descriptor, step, runParameters, new Dictionary<string, JsonObject>()));
            try
            {
                problems.AddRange(activity.CheckSettings(parameters).Select(p => (p, step.Id)));
            }
            catch (ActivityFailedException e)
            {
                // A run parameter of the wrong type (rotateCredentials=yes) read while checking.
                problems.Add((new SettingProblem("parameters", e.Message), step.Id));
            }
        }
        if (problems.Count == 0) return null;
        var lines = problems
            .GroupBy(p => p.Problem)
            .Select(g => $"{g.Key.Setting} ({g.Key.Need}; step {string.Join(", ", g.Select(p => p.StepId).Distinct())})")
            .ToList();
        return $"{lines.Count} setting(s) missing or invalid: {string.Join("; ", lines)}";
    }
}
