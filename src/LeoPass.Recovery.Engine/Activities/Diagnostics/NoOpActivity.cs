using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities.Diagnostics;

/// <summary>Does nothing: measures the engine's own overhead per step (benchmark).</summary>
public sealed class NoOpActivity : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("diagnostics.noop", "Does nothing; for measuring engine overhead.", []);

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ActivityPlan(["would do nothing"], new JsonObject { ["attempt"] = 1 }));

    public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ActivityResult.Completed(new JsonObject { ["attempt"] = context.Attempt }));
}
