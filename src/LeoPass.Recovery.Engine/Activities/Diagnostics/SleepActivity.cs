using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities.Diagnostics;

/// <summary>Waits for a duration, recording start and completion: a long step to kill a node in, countable across processes.</summary>
public sealed class SleepActivity : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("diagnostics.sleep", "Waits for a duration, honouring cancellation.",
    [
        new ActivityParameter("duration", "How long to wait, as an ISO 8601 duration (PT5S).", Required: true, Format: "duration"),
        new ActivityParameter("label", "Free text copied to the output, e.g. to check parameter substitution."),
    ]);

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ActivityPlan([$"would wait {context.Parameters.GetString("duration")}"], new JsonObject { ["label"] = context.Parameters.GetString("label") }));

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var duration = context.Parameters.GetDuration("duration") ?? TimeSpan.Zero;
        await context.RecordIntentAsync($"sleep {duration.TotalMilliseconds:0} ms on {context.Identity.Node}", cancellationToken);
        await DiagnosticEvents.RecordAsync(context, "started");
        await Task.Delay(duration, context.Time, cancellationToken);
        await DiagnosticEvents.RecordAsync(context, "completed");
        return ActivityResult.Completed(new JsonObject
        {
            ["sleptMs"] = (long)duration.TotalMilliseconds,
            ["node"] = context.Identity.Node,
            ["label"] = context.Parameters.GetString("label"),
        });
    }
}
