
namespace LeoPass.Recovery.Runbook.Infrastructure;

public enum FindingOutcome
{
    Passed,
    Failed,
    /// <summary>Could not be checked from here; the reason says what would check it.</summary>
    NotChecked,
}

/// <summary>One thing the infrastructure check looked at, what it found, and whether that is enough.</summary>
/// <param name="Check">Stable name: target-reachable, target-can-create-databases, target-major-version, pg-restore-major-version, target-free-space, work-directory-free-space.</param>
public sealed record InfrastructureFinding(string Check, FindingOutcome Outcome, string Detail)
{
    public JsonObject ToJson() => new()
    {
        ["check"] = Check,
        ["outcome"] = Outcome switch { FindingOutcome.Passed => "passed", FindingOutcome.Failed => "failed", _ => "not checked" },
        ["detail"] = Detail,
    };

    public override string ToString() => $"{Check}: {Detail}";
}
