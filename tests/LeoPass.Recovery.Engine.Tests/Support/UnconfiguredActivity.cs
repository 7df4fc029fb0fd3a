using LeoPass.Recovery.Engine.Activities;

namespace LeoPass.Recovery.Engine.Tests.Support;

/// <summary>Test-only: a step that needs a setting no test configures, so every start of its definition is refused naming it.</summary>
public sealed class UnconfiguredActivity : IActivity, IActivityDeclaration, IActivitySettingsRequirements
{
    public const string Setting = "TEST_HOOK_NEVER_SET";

    public static ActivityDescriptor Descriptor { get; } = new("test.unconfigured", "Needs a setting no test sets.",
        [new ActivityParameter("text", "Anything.", Required: false)]);

    public IEnumerable<SettingProblem> CheckSettings(ActivityParameters parameters) => [new SettingProblem(Setting, "the hook this step calls")];

    public Task<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{Setting} is not set: the start should have refused this run");
}
