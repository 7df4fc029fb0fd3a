using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities.Diagnostics;

/// <summary>Fails every attempt before attempt number <c>succeedOnAttempt</c>, then succeeds: exercises retries and responder retries.</summary>
public sealed class FailUntilActivity : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("diagnostics.fail-until", "Fails until the given attempt number, then succeeds.",
    [
        new ActivityParameter("succeedOnAttempt", "The first attempt number that succeeds; 0 never succeeds.", Required: true, Type: "integer"),
        new ActivityParameter("message", "The failure message.", Default: JsonValue.Create("diagnostic failure")),
    ]);

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ActivityPlan([(context.Parameters.GetInt64("succeedOnAttempt") ?? 0) is var n and > 0
            ? $"would fail attempts before attempt {n}, then succeed"
            : "would fail every attempt"]));

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var succeedOn = context.Parameters.GetInt64("succeedOnAttempt") ?? 0;
        await context.RecordIntentAsync($"attempt {context.Attempt}; succeeds from attempt {succeedOn}", cancellationToken);
        if (succeedOn <= 0 || context.Attempt < succeedOn)
        {
            throw new InvalidOperationException($"{context.Parameters.GetString("message")} (attempt {context.Attempt})");
        }
        await DiagnosticEvents.RecordAsync(context, "completed");
        return ActivityResult.Completed(new JsonObject { ["succeededOnAttempt"] = context.Attempt });
    }
}
