using LeoPass.Recovery.Console.Api;
using LeoPass.Recovery.Console.Auth;
using LeoPass.Recovery.Console.Shared;

namespace LeoPass.Recovery.Console.Runs;

/// <summary>
/// Which of a run's buttons show and which are enabled. The run's state decides what is possible
/// (the server's <c>allowedNow</c>, from the engine's state machine); the token's role decides who
/// may (skip and abort follow the definition: admin on production restores). A viewer gets no
/// buttons at all. The API enforces the same rules; this only keeps a responder from pressing what
/// would be refused.
/// </summary>
public static class ActionRules
{
    public static string ApiName(RunAction action) => action.ToString().ToLowerInvariant();

    /// <summary>Skip and abort need the definition's role (unknown until the definition is read: admin, the safe guess); the others an operator.</summary>
    public static string RoleNeeded(RunAction action, DefinitionRoles? roles) =>
        action is RunAction.Skip or RunAction.Abort ? roles?.SkipOrAbort ?? Role.Admin.Name() : Role.Operator.Name();

    public static IReadOnlyList<ActionChoice> For(Run run, IReadOnlyList<string> allowedNow, Role role, DefinitionRoles? roles)
    {
        if (!role.Includes(Role.Operator)) return [];
        return Enum.GetValues<RunAction>().Select(action =>
        {
            var label = Label(action);
            var needed = RoleNeeded(action, roles);
            if (!role.Includes(needed)) return new ActionChoice(action, label, false, $"needs the {needed} role");
            if (!allowedNow.Contains(ApiName(action), StringComparer.Ordinal))
            {
                return new ActionChoice(action, label, false, $"not possible while the run is {Tones.Words(run.State).ToLowerInvariant()}");
            }
            var missing = action switch
            {
                RunAction.Retry when FailedStep(run) is null => "no failed step to retry",
                RunAction.Approve or RunAction.Reject when GateStep(run) is null => "no step waits at a gate",
                RunAction.Skip when SkipTarget(run) is null => "no step left to skip",
                _ => null,
            };
            return new ActionChoice(action, label, missing is null, missing);
        }).ToList();
    }

    public static string Label(RunAction action) => action switch
    {
        RunAction.Retry => "Retry failed step",
        RunAction.Resume => "Resume",
        RunAction.Skip => "Skip step…",
        RunAction.Abort => "Abort run…",
        RunAction.Approve => "Approve gate…",
        RunAction.Reject => "Reject gate…",
        _ => action.ToString(),
    };

    public static Step? FailedStep(Run run) => run.Steps.FirstOrDefault(s => s.State == StepState.Failed);

    public static Step? GateStep(Run run) => run.Steps.FirstOrDefault(s => s.State == StepState.WaitingForApproval);

    /// <summary>The step a skip applies to: the failed one, else the first not yet run.</summary>
    public static Step? SkipTarget(Run run) => FailedStep(run) ?? run.Steps.FirstOrDefault(s => s.State == StepState.Pending);

    /// <summary>What the confirmation says the action will do, and which reason or note it asks for.</summary>
    public static Confirmation Confirm(RunAction action, Run run)
    {
        var failed = FailedStep(run);
        var gate = GateStep(run);
        var skip = SkipTarget(run);
        return action switch
        {
            RunAction.Retry => new Confirmation($"Retry run {run.Id}",
                $"Runs step '{failed?.Title}' again as attempt {(failed?.Attempts ?? 0) + 1}, then the steps after it. Steps that succeeded are not run again.",
                "Retry"),
            RunAction.Resume => new Confirmation($"Resume run {run.Id}",
                failed is null
                    ? "Continues the run from its first unfinished step."
                    : $"Continues the run from its first unfinished step: step '{failed.Title}' runs again.",
                "Resume"),
            RunAction.Skip => new Confirmation($"Skip a step of run {run.Id}",
                $"Marks step '{skip?.Title}' skipped without running it, and continues with the next step. Say why: the reason is kept in the audit trail and the report.",
                "Skip step", "Reason", TextRequired: true, Danger: true),
            RunAction.Abort => new Confirmation($"Abort run {run.Id}",
                $"Ends run {run.Id} ({run.DefinitionId}) for good. A step executing now is cancelled; nothing is undone. Say why: the reason is kept in the audit trail.",
                "Abort run", "Reason", TextRequired: true, Danger: true),
            RunAction.Approve => new Confirmation($"Approve the gate of run {run.Id}",
                gate?.WaitingAtGate == "after"
                    ? $"Confirms step '{gate.Title}' as done; the run continues with the next step."
                    : $"Lets step '{gate?.Title}' start now.",
                "Approve", "Note"),
            RunAction.Reject => new Confirmation($"Reject the gate of run {run.Id}",
                $"Refuses step '{gate?.Title}': the run halts, and can still be retried, skipped or aborted. Say why: the note is kept in the audit trail.",
                "Reject", "Note", TextRequired: true, Danger: true),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
    }
}
