using LeoPass.Recovery.Engine.Activities;
using Microsoft.Extensions.Time.Testing;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>Test-only: moves the fake clock forward, so a step "takes" an exact duration.</summary>
public sealed class AdvanceClockActivity : IActivity, IActivityDeclaration
{
    public static ActivityDescriptor Descriptor { get; } = new("test.advance-clock", "Advances the fake clock.",
        [new ActivityParameter("by", "ISO 8601 duration.", Required: true)]);

    public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ((FakeTimeProvider)context.Time).Advance(context.Parameters.GetDuration("by")!.Value);
        return Task.FromResult(ActivityResult.Completed());
    }
}
