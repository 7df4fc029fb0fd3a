using System.Text.Json.Nodes;

namespace LeoPass.Recovery.Engine.Activities.Diagnostics;

/// <summary>
/// Returns its <c>text</c> as its output and journals it as its intent, as a careless activity
/// echoing its environment would: proves that what leaves the API and the logs is masked.
/// </summary>
public sealed class EchoActivity : IActivity, IActivityDeclaration, IActivityPlanner
{
    public static ActivityDescriptor Descriptor { get; } = new("diagnostics.echo", "Echoes its text into its output and intent.",
    [
        new ActivityParameter("text", "What to echo.", Required: true),
        new ActivityParameter("credential", "Where a credential comes from, as an environment reference (${NAME}); echoed as written, to show that a definition holds the reference, never the secret.", Secret: true),
    ])
    {
        Outputs = [new("text", "The text, references substituted"), new("credential", "The credential reference as written")],
    };

    public Task<ActivityPlan> PlanAsync(ActivityContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ActivityPlan([$"would echo '{context.Parameters.GetString("text")}'"], new JsonObject { ["text"] = context.Parameters.GetString("text") }));

    public async Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var text = context.Parameters.RequireString("text");
        await context.RecordIntentAsync($"echo {text}", cancellationToken);
        var output = new JsonObject { ["text"] = text };
        if (context.Parameters.GetString("credential") is { } credential) output["credential"] = credential;
        return ActivityResult.Completed(output);
    }
}
